package dev.crmbridge.wazzup.internal.sync;

import dev.crmbridge.wazzup.internal.store.Fence;
import dev.crmbridge.wazzup.internal.store.GroupWriter;
import dev.crmbridge.wazzup.internal.store.Store;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Records what Wazzup accepted through the store's group-commit writer while the dispatcher sends the
 * next batches: at most {@link #IN_FLIGHT} batches are outstanding, and anything that reads what was
 * accepted first waits for them ({@link #settle()}). Facts (the initial sync's position) are committed
 * with the batches queued before them, or after, never before. Used by the dispatcher's thread only.
 */
final class AcceptedWrites {

    /** At most this many accepted batches wait to be written. */
    static final int IN_FLIGHT = 8;

    /** One write: an accepted batch, or facts to record after the batches before it. */
    record Item(Store.Accepted batch, Map<String, String> facts, AtomicBoolean revived) {
    }

    private final GroupWriter writer;
    private final Fence fence;
    private final ArrayDeque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();
    private final GroupWriter.Kind<Item> kind;
    /** Whether a write in flight removes outbox rows (not only hashes of the initial sync). */
    private boolean outboxRowsInFlight;

    AcceptedWrites(GroupWriter writer, Store store, Fence fence) {
        this.writer = writer;
        this.fence = fence;
        this.kind = new GroupWriter.Kind<>() {
            @Override
            public String what() {
                return "record accepted changes";
            }

            @Override
            public boolean durable() {
                return false; // lost in a database crash, the entities are sent again: Wazzup's upserts repeat
            }

            @Override
            public void write(Connection c, List<Item> items) throws SQLException {
                for (Item i : items) {
                    store.meta().putAll(c, i.facts());
                    if (i.batch() != null && store.accepted(c, i.batch()) > 0) {
                        i.revived().set(true);
                    }
                }
            }
        };
    }

    /**
     * Queues an accepted batch; waits while {@link #IN_FLIGHT} are outstanding. {@code revived} runs once
     * it is committed if dead letters that waited for its entities went back to the outbox.
     */
    void add(Store.Accepted batch, Runnable revived) {
        outboxRowsInFlight |= batch.rows().stream().anyMatch(r -> r.seq() >= 0);
        while (inFlight.size() >= IN_FLIGHT) {
            await(inFlight.poll());
        }
        AtomicBoolean flag = new AtomicBoolean();
        CompletableFuture<Void> f = writer.submit(kind, new Item(batch, Map.of(), flag), fence);
        f.thenRun(() -> {
            if (flag.get()) {
                revived.run();
            }
        });
        inFlight.add(f);
    }

    /** Queues facts to commit after every batch queued before. */
    void facts(Map<String, String> facts) {
        inFlight.add(writer.submit(kind, new Item(null, facts, new AtomicBoolean()), fence));
    }

    boolean outboxRowsInFlight() {
        return outboxRowsInFlight;
    }

    /** Waits for every write in flight; a failure fails the step (the rows stay and are sent again). */
    void settle() {
        outboxRowsInFlight = false;
        RuntimeException failure = null;
        for (CompletableFuture<Void> f; (f = inFlight.poll()) != null; ) {
            try {
                await(f);
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void await(CompletableFuture<Void> f) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Abort();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }
}
