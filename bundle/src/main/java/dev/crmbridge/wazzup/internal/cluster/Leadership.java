package dev.crmbridge.wazzup.internal.cluster;

import dev.crmbridge.wazzup.internal.store.Fence;
import java.sql.Connection;
import java.time.Instant;

/**
 * Whether this node leads an account: only the leader runs its dispatcher, initial sync, reconciler
 * and webhook subscription. Alone (the embedded store, any database but PostgreSQL) a node always
 * leads, in one term that never ends.
 */
public interface Leadership {

    /** This node's current term as the account's leader, or null while another node leads (or none). */
    Fence.Term term();

    /** Whether several nodes may share the account (a cluster on PostgreSQL). */
    boolean clustered();

    /** This node's name. */
    String node();

    /**
     * Whether this node's membership holds by its own clock (renewed within the lease): a node that was
     * cut off or paused delivers no webhook event it claimed earlier, since another node may have taken
     * them over.
     */
    boolean member();

    /** How long a node's lease and membership last without renewal. */
    java.time.Duration lease();

    /** Who leads, as this node last saw it. */
    LeaderInfo leader();

    /**
     * When the leader last renewed its lease, by the database's clock, as this node last saw it
     * ({@link Long#MIN_VALUE} when unknown). The leader reads the others' demands of the budget right
     * after each renewal.
     */
    default long leaderRenewedAt() {
        return Long.MIN_VALUE;
    }

    /**
     * Runs {@code r} (on the membership's thread) whenever this node's term begins or ends; answers what
     * stops it.
     */
    Runnable onChange(Runnable r);

    /** The leader as seen from a node: its name, since when it leads, and the term's token. */
    record LeaderInfo(String node, Instant since, long token) {
    }

    /** A node alone: it leads from the start, for good. */
    static Leadership solo(String node) {
        Instant since = Instant.now();
        Fence.Term forever = new Fence.Term() {
            @Override
            public boolean valid() {
                return true;
            }

            @Override
            public void verify(Connection c) {
                // nobody else can lead
            }

            @Override
            public String describe() {
                return "leading alone";
            }
        };
        LeaderInfo me = new LeaderInfo(node, since, 1);
        return new Leadership() {
            @Override
            public Fence.Term term() {
                return forever;
            }

            @Override
            public boolean clustered() {
                return false;
            }

            @Override
            public String node() {
                return node;
            }

            @Override
            public LeaderInfo leader() {
                return me;
            }

            @Override
            public boolean member() {
                return true;
            }

            @Override
            public java.time.Duration lease() {
                return java.time.Duration.ofDays(365);
            }

            @Override
            public Runnable onChange(Runnable r) {
                return () -> { }; // it never changes
            }
        };
    }
}
