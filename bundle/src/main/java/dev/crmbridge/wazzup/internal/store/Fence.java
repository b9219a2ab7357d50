package dev.crmbridge.wazzup.internal.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Whether the parts holding this fence may still act: a runtime that a configuration change replaced
 * is fenced off, and from then on none of its commits ({@link Jdbc#tx}) and none of its requests to
 * Wazzup go through, whatever its threads are still doing.
 *
 * <p>A fence {@link #whileLeading leading} a cluster also closes when the node's leadership term ends
 * (another node took the account over, or this one could not renew its lease in time), and each of its
 * commits checks the term in the database, inside the transaction: a leader that was paused and wakes
 * up commits nothing.
 */
public final class Fence {

    /** A fence that never closes (tools and tests that own the store alone). */
    public static final Fence NONE = new Fence("the store's owner");

    /** A leadership term, as the fence checks it. */
    public interface Term {
        /** Whether the term still holds, by this node's own clock (no database round trip). */
        boolean valid();

        /**
         * Inside a transaction about to commit: fails unless the database still names this term the
         * account's leader (and keeps it so until the commit).
         */
        void verify(Connection c) throws SQLException;

        /** The term, in words (for errors). */
        String describe();
    }

    private final String holder;
    private final Fence parent;
    private final Term term;
    private volatile boolean open = true;

    public Fence(String holder) {
        this(holder, null, null);
    }

    private Fence(String holder, Fence parent, Term term) {
        this.holder = holder;
        this.parent = parent;
        this.term = term;
    }

    /** A fence open while this one is and {@code term} holds; its commits verify the term. */
    public Fence whileLeading(Term term) {
        return new Fence(holder + " as the leader", this, term);
    }

    public boolean open() {
        return open && (parent == null || parent.open()) && (term == null || term.valid());
    }

    /** Closes the fence for good. */
    public void close() {
        if (this != NONE) {
            open = false;
        }
    }

    /** @throws FencedException once the fence is closed */
    public void check() {
        if (parent != null) {
            parent.check();
        }
        if (!open) {
            throw new FencedException(holder + " was replaced and may no longer act");
        }
        if (term != null && !term.valid()) {
            throw new FencedException(holder + ": " + term.describe() + " is over");
        }
    }

    /**
     * Inside a transaction, before its commit: for a leader's fence, that the database still names
     * its term.
     *
     * @throws FencedException when it does not
     */
    public void verify(Connection c) throws SQLException {
        if (parent != null) {
            parent.verify(c);
        }
        if (term != null) {
            term.verify(c);
        }
    }

    @Override
    public String toString() {
        return "Fence[" + holder + (open() ? "" : ", closed") + "]";
    }
}
