package dev.crmbridge.wazzup.internal.store;

/** A part that was replaced tried to commit or to call Wazzup: nothing was done. */
public final class FencedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public FencedException(String message) {
        super(message, null, false, false);
    }
}
