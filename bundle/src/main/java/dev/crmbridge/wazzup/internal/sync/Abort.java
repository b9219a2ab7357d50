package dev.crmbridge.wazzup.internal.sync;

/** Ends a step of the sync early (Wazzup unavailable, the engine stopping): the rows stay and wait. */
final class Abort extends RuntimeException {

    private static final long serialVersionUID = 1L;

    Abort() {
        super(null, null, false, false);
    }
}
