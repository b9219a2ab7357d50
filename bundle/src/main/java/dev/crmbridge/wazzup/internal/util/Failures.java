package dev.crmbridge.wazzup.internal.util;

/**
 * What a caller of host code may treat as one entity's own failure. Host code can throw anything: a
 * RuntimeException, an {@code AssertionError}, a {@code StackOverflowError} on one deeply nested entity.
 * Those hold back only that entity. Two kinds are not one entity's: a {@code LinkageError} (a host
 * bundle was refreshed under us: every entity would fail alike, so the pass fails, is reported and is
 * run again by its worker) and a JVM in trouble ({@code OutOfMemoryError}, {@code InternalError}).
 */
public final class Failures {

    private Failures() {
    }

    /** Rethrows {@code t} when it is not one entity's failure; returns otherwise. */
    public static void rethrowIfFatal(Throwable t) {
        if (t instanceof VirtualMachineError vme && !(t instanceof StackOverflowError)) {
            throw vme;
        }
        if (t instanceof LinkageError le) {
            throw le;
        }
    }
}
