package dev.crmbridge.wazzup.internal.store;

/**
 * Whether the parts holding this fence may still act: a runtime that a configuration change replaced
 * is fenced off, and from then on none of its commits ({@link Jdbc#tx}) and none of its requests to
 * Wazzup go through, whatever its threads are still doing.
 */
public final class Fence {

    /** A fence that never closes (tools and tests that own the store alone). */
    public static final Fence NONE = new Fence("the store's owner");

    private final String holder;
    private volatile boolean open = true;

    public Fence(String holder) {
        this.holder = holder;
    }

    public boolean open() {
        return open;
    }

    /** Closes the fence for good. */
    public void close() {
        if (this != NONE) {
            open = false;
        }
    }

    /** @throws FencedException once the fence is closed */
    public void check() {
        if (!open) {
            throw new FencedException(holder + " was replaced and may no longer act");
        }
    }

    @Override
    public String toString() {
        return "Fence[" + holder + (open ? "" : ", closed") + "]";
    }
}
