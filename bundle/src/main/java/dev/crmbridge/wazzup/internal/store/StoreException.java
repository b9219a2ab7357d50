package dev.crmbridge.wazzup.internal.store;

/** The database failed; the operation did not happen. */
public final class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StoreException(String what, Throwable cause) {
        super(what + ": " + cause.getMessage(), cause);
    }
}
