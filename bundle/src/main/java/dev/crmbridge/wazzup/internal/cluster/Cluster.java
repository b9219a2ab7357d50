package dev.crmbridge.wazzup.internal.cluster;

import dev.crmbridge.wazzup.internal.store.ClusterTable;
import dev.crmbridge.wazzup.internal.store.Fence;
import dev.crmbridge.wazzup.internal.store.FencedException;
import dev.crmbridge.wazzup.internal.store.Store;
import dev.crmbridge.wazzup.internal.util.Worker;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's membership of a cluster on PostgreSQL. One thread renews the node's row ({@code wz_node})
 * and, for every account it serves, takes or renews the account's lease ({@code wz_lease}) every
 * {@code lease / 6}. The node that holds an unexpired lease leads the account; when it stops renewing
 * (killed, cut off from the database, paused), another node takes the lease once it has expired, and
 * the token goes up by one.
 *
 * <p>A term is valid on this node until {@code 80 %} of the lease after the start of the renewal that
 * last confirmed it (by the node's monotonic clock, which runs no faster than the database's). So a
 * leader that was paused finds its term over the moment it wakes, before it can send anything, and every
 * commit of a leader checks its term inside its transaction ({@link Fence.Term#verify}).
 */
public final class Cluster implements AutoCloseable, BudgetShares.Membership {

    private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);

    /** How this node takes part: its name, what it says of itself, the lease. */
    public record Settings(String node, String info, Duration lease) {
    }

    private final ClusterTable table;
    private final Settings settings;
    private final long startedAt;
    private final Worker worker;
    private final Map<String, Account> accounts = new ConcurrentHashMap<>();
    private final List<Runnable> renewals = new CopyOnWriteArrayList<>();
    /** The nodes alive at the last renewal (this one among them). */
    private volatile int alive = 1;
    private volatile List<ClusterTable.Node> lastNodes = List.of();
    /** What this node asks of the key's budget for the chat endpoints (0: nothing said yet). */
    private volatile int chatWant;
    /** The want last written, and the database's time just after its commit (by then every reader sees it). */
    private volatile int announcedWant;
    private volatile long announcedAt = Long.MAX_VALUE;
    /** A digest of the API key this node runs with, told the others at each renewal (null: none said). */
    private volatile String keyDigest;
    private volatile String problem;
    /** Until when this node's membership holds by its own monotonic clock. */
    private volatile long memberUntil = System.nanoTime();
    private long nextForget;

    private Cluster(Store store, Settings settings) {
        this.table = store.cluster();
        this.settings = settings;
        this.startedAt = System.currentTimeMillis();
        Duration every = renewEvery(settings.lease());
        this.worker = new Worker("the cluster membership", this::tick, every, every);
    }

    /** Joins the cluster of {@code store}'s database (PostgreSQL). */
    public static Cluster join(Store store, Settings settings) {
        Cluster c = new Cluster(store, settings);
        c.worker.start();
        return c;
    }

    static Duration renewEvery(Duration lease) {
        return Duration.ofMillis(Math.max(100, lease.toMillis() / 6));
    }

    @Override
    public String node() {
        return settings.node();
    }

    /** This node's leadership of {@code account} (taken at the next renewal when free). */
    public Leadership leadership(String account) {
        Account a = accounts.computeIfAbsent(account, Account::new);
        worker.wake();
        return a;
    }

    /** The nodes alive now (renewed within two leases), oldest first. */
    public List<ClusterTable.Node> nodes() {
        return table.nodes(2 * settings.lease().toMillis());
    }

    /** How many nodes were alive at the last renewal (renewed within two leases; at least this one). */
    public int alive() {
        return alive;
    }

    /** The nodes alive at the last renewal, oldest first (empty before the first). */
    @Override
    public List<ClusterTable.Node> lastNodes() {
        return lastNodes;
    }

    /** Asks for {@code starts} per window of the key's budget for the chat endpoints, from the next renewal. */
    @Override
    public void wantChat(int starts) {
        chatWant = starts;
    }

    /**
     * The database's time by which every node can read a want of at least {@code starts} from this
     * node, or {@link Long#MAX_VALUE} while it has not been written.
     */
    @Override
    public long announcedAt(int starts) {
        return announcedWant >= starts ? announcedAt : Long.MAX_VALUE;
    }

    /** Tells the other nodes, from the next renewal on, a digest of the API key this node runs with. */
    public void announceKey(String digest) {
        keyDigest = digest;
    }

    /**
     * The nodes alive at the last renewal that run with another API key than {@code digest} (those that
     * have said which), by name.
     */
    public List<String> otherKeys(String digest) {
        return lastNodes.stream().filter(n -> !n.node().equals(settings.node()) && n.keyDigest() != null
                && !n.keyDigest().equals(digest)).map(ClusterTable.Node::node).toList();
    }

    /** Runs {@code r} after every renewal (on the membership's thread); answers what stops it. */
    public Runnable onRenewal(Runnable r) {
        renewals.add(r);
        return () -> renewals.remove(r);
    }

    /** Whether this node's membership holds (renewed within 80 % of the lease, by its own clock). */
    public boolean member() {
        return System.nanoTime() - memberUntil < 0;
    }

    /** Why this node cannot renew its membership, or null. */
    public String problem() {
        String p = worker.problem();
        return p != null ? p : problem;
    }

    /** Tests: stops renewing without giving anything up, as a paused or cut-off node would. */
    void pause() {
        paused = true;
    }

    /** Tests: renews again. */
    void resume() {
        paused = false;
        worker.wake();
    }

    private volatile boolean paused;

    private void tick() {
        if (paused) {
            worker.await(renewEvery(settings.lease()).toMillis());
            return;
        }
        long t0 = System.nanoTime();
        try {
            int want = chatWant;
            long now = table.heartbeat(settings.node(), startedAt, settings.info(), want, keyDigest);
            memberUntil = t0 + settings.lease().toNanos() / 10 * 8;
            if (want != announcedWant) {
                announcedAt = want > announcedWant ? table.now() : announcedAt;
                announcedWant = want;
            }
            for (Account a : accounts.values()) {
                a.renew(t0);
            }
            List<ClusterTable.Node> seen = table.nodes(2 * settings.lease().toMillis());
            lastNodes = List.copyOf(seen);
            alive = Math.max(1, seen.size());
            problem = null;
            for (Runnable r : renewals) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.warn("Wazzup cluster: a part failed to follow the cluster", e);
                }
            }
            if (now >= nextForget) {
                table.forget(now - Duration.ofDays(1).toMillis());
                nextForget = now + Duration.ofHours(1).toMillis();
            }
        } catch (RuntimeException e) {
            problem = "this node cannot renew its place in the cluster: " + e.getMessage();
            for (Account a : accounts.values()) {
                a.lapsed();
            }
            throw e; // the worker logs it and tries again after its pause
        }
        worker.await(renewEvery(settings.lease()).toMillis());
    }

    /** Gives up every lease this node holds (so that another node leads at once) and stops renewing. */
    @Override
    public void close() {
        worker.stop();
        worker.join(Duration.ofSeconds(5));
        for (Account a : accounts.values()) {
            a.release();
        }
    }

    /** One account's leadership as this node sees it. */
    private final class Account implements Leadership {

        private final String account;
        private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
        private volatile Term current;
        private volatile LeaderInfo leader;
        private volatile long leaderRenewedAt = Long.MIN_VALUE;

        Account(String account) {
            this.account = account;
        }

        void renew(long t0) {
            long leaseNanos = settings.lease().toNanos();
            ClusterTable.Lease l = table.acquire(account, settings.node(), settings.lease().toMillis());
            Term was = current;
            boolean changed = false;
            if (l != null) {
                long validUntil = t0 + leaseNanos / 10 * 8;
                if (was != null && was.token == l.token() && !was.ended) {
                    was.validUntil = validUntil;
                } else {
                    if (was != null) {
                        was.ended = true;
                    }
                    current = new Term(l.token(), Instant.ofEpochMilli(l.since()), validUntil);
                    changed = true;
                    LOG.info("Wazzup cluster: node {} leads account {} (term {})", settings.node(), account, l.token());
                }
                leader = new LeaderInfo(settings.node(), Instant.ofEpochMilli(l.since()), l.token());
                leaderRenewedAt = l.renewedAt();
            } else {
                if (was != null) {
                    was.ended = true;
                    current = null;
                    changed = true;
                    LOG.warn("Wazzup cluster: node {} no longer leads account {}", settings.node(), account);
                }
                ClusterTable.Lease other = table.lease(account);
                leader = other == null || other.expiresAt() <= other.now() ? null
                        : new LeaderInfo(other.holder(), Instant.ofEpochMilli(other.since()), other.token());
                leaderRenewedAt = leader == null ? Long.MIN_VALUE : other.renewedAt();
            }
            if (changed) {
                changed();
            }
        }

        /** The database could not be reached: a term that ran out by this node's clock is over. */
        void lapsed() {
            Term t = current;
            if (t != null && !t.valid()) {
                t.ended = true;
                current = null;
                LOG.warn("Wazzup cluster: node {} could not renew its lease of account {} in time and no longer leads"
                        + " it", settings.node(), account);
                changed();
            }
        }

        void release() {
            Term t = current;
            if (t == null) {
                return;
            }
            t.ended = true;
            current = null;
            try {
                table.release(account, settings.node(), t.token);
            } catch (RuntimeException e) {
                // the lease expires by itself
            }
        }

        private void changed() {
            for (Runnable r : listeners) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.warn("Wazzup cluster: a part failed to follow a change of leadership", e);
                }
            }
        }

        @Override
        public Fence.Term term() {
            Term t = current;
            return t == null || t.ended ? null : t;
        }

        @Override
        public boolean clustered() {
            return true;
        }

        @Override
        public String node() {
            return settings.node();
        }

        @Override
        public LeaderInfo leader() {
            return leader;
        }

        @Override
        public Runnable onChange(Runnable r) {
            listeners.add(r);
            return () -> listeners.remove(r);
        }

        @Override
        public boolean member() {
            return Cluster.this.member();
        }

        @Override
        public long leaderRenewedAt() {
            return leaderRenewedAt;
        }

        @Override
        public Duration lease() {
            return settings.lease();
        }

        /** One term of this node as the account's leader. */
        private final class Term implements Fence.Term {
            final long token;
            final Instant since;
            volatile long validUntil;
            volatile boolean ended;

            Term(long token, Instant since, long validUntil) {
                this.token = token;
                this.since = since;
                this.validUntil = validUntil;
            }

            @Override
            public boolean valid() {
                return !ended && System.nanoTime() - validUntil < 0;
            }

            @Override
            public void verify(Connection c) throws SQLException {
                if (!ClusterTable.stillLeads(c, account, settings.node(), token)) {
                    ended = true;
                    worker.wake();
                    throw new FencedException("node " + settings.node() + " no longer leads account " + account
                            + " (term " + token + "): another node took it over");
                }
            }

            @Override
            public String describe() {
                return "node " + settings.node() + "'s term " + token + " as the leader of account " + account;
            }
        }
    }
}
