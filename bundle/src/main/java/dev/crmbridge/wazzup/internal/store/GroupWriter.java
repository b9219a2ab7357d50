package dev.crmbridge.wazzup.internal.store;

import dev.crmbridge.wazzup.internal.util.Worker;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store's one group-commit writer: threads hand it writes, one thread commits what arrived together
 * in one transaction, and each caller learns the outcome of its own write through a future. Used by the
 * outbox (the host's changes), the dispatcher (what Wazzup accepted) and the webhook inbox.
 *
 * <p>One bad write never fails its group: when the group's transaction fails, each write is tried again
 * alone, and only the ones that fail alone fail. A write whose {@link Fence} closed is refused. The
 * thread survives any failure ({@link Worker}); a failure outside a transaction fails the writes in
 * hand, and closing fails those still queued: no caller is left waiting.
 */
public final class GroupWriter implements AutoCloseable {

    /** A kind of write: how a list of its items goes into one transaction. */
    public interface Kind<T> {
        /** What the write does, for errors ("store webhook notifications"). */
        String what();

        void write(Connection c, List<T> items) throws SQLException;

        /**
         * Whether a commit must reach the disk before the caller learns of it. A kind whose commit, lost
         * in a crash of the database, only makes work be done again (what Wazzup accepted: sent again)
         * answers false; on PostgreSQL a group of such writes alone commits without waiting for the
         * disk ({@code synchronous_commit = off}: never torn, at most the last moments lost), as H2
         * does by default.
         */
        default boolean durable() {
            return true;
        }
    }

    private record Job<T>(Kind<T> kind, T item, Fence fence, CompletableFuture<Void> done) {
    }

    /** At most this many writes go into one transaction. */
    static final int MAX_GROUP = 500;

    private final Jdbc jdbc;
    private final LinkedBlockingQueue<Job<?>> queue = new LinkedBlockingQueue<>();
    private final Worker worker;
    private final AtomicLong commits = new AtomicLong();
    private volatile boolean closed;
    private volatile List<Job<?>> inHand = List.of();

    public GroupWriter(Jdbc jdbc, String name) {
        this.jdbc = jdbc;
        this.worker = new Worker(name, this::pass, Duration.ofMillis(200), Duration.ofSeconds(5));
        worker.start();
    }

    /**
     * Queues a write; the future completes once it is committed, or fails with the reason
     * ({@link StoreException}, {@link FencedException}, or {@link IllegalStateException} when closed).
     */
    public <T> CompletableFuture<Void> submit(Kind<T> kind, T item, Fence fence) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new IllegalStateException("the connector's store is closing"));
            return done;
        }
        queue.add(new Job<>(kind, item, fence, done));
        if (closed) {
            failQueued();
        }
        return done;
    }

    private void pass() throws InterruptedException {
        Job<?> first = queue.poll(1, TimeUnit.SECONDS);
        if (first == null) {
            return;
        }
        List<Job<?>> group = new ArrayList<>();
        group.add(first);
        queue.drainTo(group, MAX_GROUP - 1);
        inHand = group;
        try {
            commit(group);
        } catch (Throwable t) {
            fail(group, t);
            throw t;
        } finally {
            inHand = List.of();
        }
    }

    private void commit(List<Job<?>> group) {
        List<Job<?>> open = refuseFenced(group);
        if (open.isEmpty()) {
            return;
        }
        try {
            write(open);
            open.forEach(j -> j.done().complete(null));
        } catch (FencedException e) {
            commit(open); // a fence closed while writing: the others go without it
        } catch (RuntimeException e) {
            if (open.size() == 1) {
                open.get(0).done().completeExceptionally(e);
                return;
            }
            for (Job<?> j : open) {
                try {
                    write(List.of(j));
                    j.done().complete(null);
                } catch (RuntimeException alone) {
                    j.done().completeExceptionally(alone);
                }
            }
        }
    }

    private static List<Job<?>> refuseFenced(List<Job<?>> group) {
        List<Job<?>> open = new ArrayList<>();
        for (Job<?> j : group) {
            if (j.fence().open()) {
                open.add(j);
            } else {
                j.done().completeExceptionally(new FencedException("a replaced part tried to write"));
            }
        }
        return open;
    }

    /** One transaction: the jobs of each kind together, kinds in the order they came. */
    private void write(List<Job<?>> jobs) {
        Map<Kind<?>, List<Object>> byKind = new LinkedHashMap<>();
        for (Job<?> j : jobs) {
            byKind.computeIfAbsent(j.kind(), k -> new ArrayList<>()).add(j.item());
        }
        String what = byKind.keySet().iterator().next().what();
        boolean relaxed = jdbc.postgres() && byKind.keySet().stream().noneMatch(Kind::durable);
        jdbc.tx(what, c -> {
            if (relaxed) {
                try (java.sql.Statement s = c.createStatement()) {
                    s.execute("SET LOCAL synchronous_commit TO OFF");
                }
            }
            for (Map.Entry<Kind<?>, List<Object>> e : byKind.entrySet()) {
                writeKind(c, e.getKey(), e.getValue());
            }
            java.util.Set<Fence> verified = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            for (Job<?> j : jobs) {
                j.fence().check(); // before the commit: a replaced part commits nothing
                if (verified.add(j.fence())) {
                    j.fence().verify(c); // nor does a leader whose term the database no longer names
                }
            }
            return null;
        });
        commits.incrementAndGet();
    }

    @SuppressWarnings("unchecked")
    private static <T> void writeKind(Connection c, Kind<T> kind, List<Object> items) throws SQLException {
        kind.write(c, (List<T>) items);
    }

    private static void fail(List<Job<?>> jobs, Throwable t) {
        for (Job<?> j : jobs) {
            j.done().completeExceptionally(t);
        }
    }

    private void failQueued() {
        List<Job<?>> left = new ArrayList<>();
        queue.drainTo(left);
        fail(left, new IllegalStateException("the connector's store is closing"));
    }

    /** Transactions committed since start. */
    public long commits() {
        return commits.get();
    }

    /** Writes waiting to be committed. */
    public int queued() {
        return queue.size() + inHand.size();
    }

    /** The writer's failure in words while it recovers, or null. */
    public String problem() {
        return worker.problem();
    }

    public boolean alive() {
        return worker.alive();
    }

    /** Commits what is queued (waiting up to {@code timeout}), then stops; what is left fails. */
    public synchronized void close(Duration timeout) {
        if (closed) {
            failQueued();
            return;
        }
        if (worker.alive()) {
            // the queue is in order: once this marker is written, everything before it is
            CompletableFuture<Void> marker = submit(NOTHING, null, Fence.NONE);
            try {
                marker.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // the store failed or hangs: what is queued fails below
            }
        }
        closed = true;
        worker.stop();
        queue.add(new Job<>(NOTHING, null, Fence.NONE, new CompletableFuture<>())); // ends the poll at once
        if (!worker.join(Duration.ofSeconds(10))) {
            // the database hangs: the writes in hand get an answer now (should they still commit, their
            // callers repeat them, which every kind of write allows)
            fail(inHand, new IllegalStateException("the connector's store did not answer before it closed"));
        }
        failQueued();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    private static final Kind<Object> NOTHING = new Kind<>() {
        @Override
        public String what() {
            return "stop";
        }

        @Override
        public void write(Connection c, List<Object> items) {
            // the item that wakes the thread when it stops
        }
    };
}
