package dev.crmbridge.wazzup.internal.sync;

import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.internal.store.Fence;
import dev.crmbridge.wazzup.internal.store.FencedException;
import dev.crmbridge.wazzup.internal.store.GroupWriter;
import dev.crmbridge.wazzup.internal.store.OutboxRow;
import dev.crmbridge.wazzup.internal.store.Schema;
import dev.crmbridge.wazzup.internal.store.Store;
import dev.crmbridge.wazzup.internal.util.Worker;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the host's changes from the event thread and stores them in the outbox. {@link #record} only
 * queues (no lock, no copy of the ids, whatever the store does), so EventAdmin's thread returns in
 * microseconds; one thread merges what was queued (one entry per entity, the latest operation wins),
 * writes it in chunks of {@value #CHUNK} through the store's group-commit writer and tells the engine.
 * Changes the store cannot take yet stay here and are written once it can: while the store fails or
 * stalls, during a configuration change (there is no runtime for a moment) and across a storage switch.
 * They count in {@code SyncStatus} as pending, and {@link #problem()} names them.
 *
 * <p>It outlives the runtimes: a configuration change swaps the target, not the recorder.
 */
public final class ChangeRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeRecorder.class);

    /** Ids written per transaction: a 100,000-id import holds no long transaction. */
    static final int CHUNK = 1_000;
    /** A write the store has not answered for this long is named in {@link #problem()}. */
    static final Duration STALL_REPORTED_AFTER = Duration.ofSeconds(5);

    /** Where changes are stored now: the current runtime's side. */
    public interface Target {
        /** The account's store, fenced by {@link #fence()}. */
        Store store();

        GroupWriter writer();

        Fence fence();

        /** The types the scheme syncs; changes of others are ignored. */
        List<SyncedType<?, ?>> types();

        /** Changes of a type were stored. */
        void stored(EntityType type, int count);

        /**
         * The ids of a change of this type could not be read (the host's collection failed while it was
         * read): which entities changed is unknown, so everything of the type is compared again.
         */
        void unreadable(EntityType type);
    }

    /** A queued change; {@code count} is what {@link #record} counted of it. */
    private record Change(EntityType type, Object ids, OutboxRow.Op op, int count) {
    }

    /** A pending entry: its operation and a generation that grows with every change of it. */
    private record Entry(OutboxRow.Op op, long generation) {
    }

    private record Chunk(Store store, EntityType type, List<String> ids, OutboxRow.Op op, long now) {
    }

    private static final GroupWriter.Kind<Chunk> OUTBOX = new GroupWriter.Kind<>() {
        @Override
        public String what() {
            return "record changes";
        }

        @Override
        public void write(Connection c, List<Chunk> chunks) throws SQLException {
            for (Chunk k : chunks) {
                k.store().outbox().enqueue(c, k.type(), k.ids(), k.op(), k.now());
            }
        }
    };

    private final Supplier<Target> target;
    private final Clock clock;
    private final Worker worker;
    private final ConcurrentLinkedQueue<Change> queue = new ConcurrentLinkedQueue<>();
    /** Ids queued and not merged yet, per type (an upper bound: repeats count). */
    private final AtomicLongArray queued = new AtomicLongArray(EntityType.values().length);
    /** Entities merged and not stored yet, per type. */
    private final AtomicLongArray waiting = new AtomicLongArray(EntityType.values().length);
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong lastWarning = new AtomicLong();
    private final Object flushed = new Object();
    // the recorder thread's own
    private final Map<EntityType, LinkedHashMap<String, Entry>> pending = new EnumMap<>(EntityType.class);
    private long generation;
    /** Types with a change whose ids could not be read, for the next target to compare again. */
    private final java.util.Set<EntityType> unreadable = java.util.EnumSet.noneOf(EntityType.class);
    private int failures;
    private volatile String lastError;
    /** When the write in progress was handed to the store (clock millis), 0 when none is. */
    private volatile long writingSince;

    public ChangeRecorder(Supplier<Target> target, Clock clock) {
        this.target = target;
        this.clock = clock;
        for (EntityType t : EntityType.values()) {
            pending.put(t, new LinkedHashMap<>());
        }
        this.worker = new Worker("the change recorder", this::pass, Duration.ofMillis(200), Duration.ofSeconds(5));
        worker.start();
    }

    /**
     * Queues a change of the entities {@code ids} names (a String, an array or a collection of them). Never
     * blocks and never throws: the ids are read on the recorder's thread.
     */
    public void record(EntityType type, Object ids, OutboxRow.Op op) {
        if (ids == null) {
            return;
        }
        int count;
        try {
            count = ids instanceof Object[] a ? a.length : ids instanceof Collection<?> c ? c.size() : 1;
        } catch (RuntimeException e) {
            count = 1; // the host's collection cannot say its size; the recorder's thread finds out more
        }
        queue.add(new Change(type, ids, op, count));
        queued.addAndGet(type.ordinal(), count);
        worker.wake();
    }

    private void pass() {
        merge();
        if (pendingEmpty()) {
            signalFlushed();
            worker.await(1_000);
            return;
        }
        Target t = target.get();
        if (t == null) {
            worker.await(100); // no runtime for a moment (a configuration change): the changes wait here
            return;
        }
        if (!unreadable.isEmpty()) {
            for (EntityType type : List.copyOf(unreadable)) {
                t.unreadable(type);
                unreadable.remove(type);
            }
        }
        for (EntityType type : EntityType.values()) {
            LinkedHashMap<String, Entry> map = pending.get(type);
            if (map.isEmpty()) {
                continue;
            }
            SyncedType<?, ?> synced = t.types().stream().filter(s -> s.type() == type).findFirst().orElse(null);
            if (synced == null) {
                waiting.addAndGet(type.ordinal(), -map.size());
                map.clear(); // the scheme does not sync this type
                continue;
            }
            if (!write(t, synced, map)) {
                return;
            }
        }
    }

    /** Writes one chunk of a type; answers false when the store failed (the changes stay). */
    private boolean write(Target t, SyncedType<?, ?> synced, LinkedHashMap<String, Entry> map) {
        EntityType type = synced.type();
        long now = clock.millis();
        Map<String, Entry> taken = new LinkedHashMap<>();
        List<String> saves = new ArrayList<>();
        List<String> deletes = new ArrayList<>();
        Iterator<Map.Entry<String, Entry>> it = map.entrySet().iterator();
        List<String> tooLong = new ArrayList<>();
        while (it.hasNext() && taken.size() < CHUNK) {
            Map.Entry<String, Entry> e = it.next();
            taken.put(e.getKey(), e.getValue());
            OutboxRow.Op op = synced.op(e.getValue().op());
            for (String key : synced.keys(List.of(e.getKey()))) {
                // the outbox keeps keys of its column's length: a longer one is set aside below
                (key.length() > Schema.ID ? tooLong : op == OutboxRow.Op.DELETE ? deletes : saves).add(key);
            }
        }
        try {
            for (String id : tooLong) {
                LOG.warn("Wazzup sync: a {} id of {} characters is set aside: it can never be synced", type, id.length());
                t.store().deadLetters().put(Sender.idTooLong(type, id, now));
            }
            writingSince = clock.millis();
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            if (!saves.isEmpty()) {
                writes.add(t.writer().submit(OUTBOX, new Chunk(t.store(), type, distinct(saves), OutboxRow.Op.SAVE, now), t.fence()));
            }
            if (!deletes.isEmpty()) {
                writes.add(t.writer().submit(OUTBOX, new Chunk(t.store(), type, distinct(deletes), OutboxRow.Op.DELETE, now),
                        t.fence()));
            }
            for (CompletableFuture<Void> w : writes) {
                await(w);
            }
        } catch (RuntimeException e) {
            failed(e);
            return false;
        } finally {
            writingSince = 0;
        }
        // entries that changed while they were written are written again
        for (Map.Entry<String, Entry> e : taken.entrySet()) {
            if (map.get(e.getKey()) == e.getValue()) {
                map.remove(e.getKey());
                waiting.decrementAndGet(type.ordinal());
            }
        }
        stored.addAndGet(taken.size());
        failures = 0;
        lastError = null;
        t.stored(type, saves.size() + deletes.size());
        return true;
    }

    private static List<String> distinct(List<String> ids) {
        return ids.size() < 2 ? ids : ids.stream().distinct().toList();
    }

    /** Waits for a write, merging what is queued meanwhile (the queue must not grow while the store stalls). */
    private void await(CompletableFuture<Void> write) {
        while (true) {
            try {
                write.get(200, TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException stillWriting) {
                merge();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            }
        }
    }

    private void failed(RuntimeException e) {
        if (e instanceof FencedException) {
            worker.await(20); // the runtime was replaced: the next target takes the changes
            return;
        }
        failures++;
        lastError = e.getMessage();
        long pause = Math.min(5_000, 100L << Math.min(failures, 6));
        long now = clock.millis();
        long last = lastWarning.get();
        if (now - last > 60_000 && lastWarning.compareAndSet(last, now)) {
            LOG.warn("Wazzup sync: {} changes wait to be stored: {}; trying again", unstored(), e.getMessage());
        }
        worker.await(pause);
    }

    /** Moves what was queued into the pending entries (one per entity, the latest operation wins). */
    private void merge() {
        for (Change next; (next = queue.poll()) != null; ) {
            Change c = next;
            LinkedHashMap<String, Entry> map = pending.get(c.type());
            long before = map.size();
            int[] malformed = new int[1];
            try {
                forEachId(c.ids(), id -> {
                    if (id == null) {
                        malformed[0]++;
                    } else {
                        map.put(id, new Entry(c.op(), ++generation));
                    }
                });
            } catch (RuntimeException | LinkageError e) {
                // the host changed its collection under us, or an id's toString() failed: the ids read so far
                // are kept, and the type is compared again so that none of the others is lost
                unreadable.add(c.type());
                LOG.warn("Wazzup sync: the ids of a {} change could not be read ({}); {} are compared again at once",
                        c.type(), e.getClass().getSimpleName(), c.type());
            }
            queued.addAndGet(c.type().ordinal(), -c.count());
            waiting.addAndGet(c.type().ordinal(), map.size() - before);
            if (malformed[0] > 0) {
                warnMalformed(c.type(), malformed[0]);
            }
        }
    }

    private interface IdSink {
        void accept(String id);
    }

    private static void forEachId(Object value, IdSink sink) {
        if (value instanceof Object[] array) {
            for (Object o : array) {
                sink.accept(id(o));
            }
        } else if (value instanceof Collection<?> c) {
            for (Object o : c) {
                sink.accept(id(o));
            }
        } else {
            sink.accept(id(value));
        }
    }

    /** An id as the host gave it, trimmed; null when it names nothing. */
    private static String id(Object o) {
        if (o == null || o instanceof Object[] || o instanceof Collection<?>) {
            return null;
        }
        String s = o.toString().trim();
        return s.isEmpty() ? null : s;
    }

    private void warnMalformed(EntityType type, int count) {
        long now = clock.millis();
        long last = lastWarning.get();
        if (now - last > 60_000 && lastWarning.compareAndSet(last, now)) {
            LOG.warn("Wazzup sync: {} {} ids in host events were empty or not ids, and were ignored", count,
                    type.topicSegment());
        }
    }

    private boolean pendingEmpty() {
        for (LinkedHashMap<String, Entry> m : pending.values()) {
            if (!m.isEmpty()) {
                return false;
            }
        }
        return queue.isEmpty();
    }

    private void signalFlushed() {
        synchronized (flushed) {
            flushed.notifyAll();
        }
    }

    /** Changes reported and not stored yet, per type. */
    public Map<EntityType, Long> unstoredByType() {
        Map<EntityType, Long> out = new EnumMap<>(EntityType.class);
        for (EntityType t : EntityType.values()) {
            out.put(t, Math.max(0, queued.get(t.ordinal())) + Math.max(0, waiting.get(t.ordinal())));
        }
        return out;
    }

    /** Changes reported and not stored yet. */
    public long unstored() {
        return unstoredByType().values().stream().mapToLong(Long::longValue).sum();
    }

    /** Entities stored since start. */
    public long stored() {
        return stored.get();
    }

    /** Why changes wait, in words, or null. */
    public String problem() {
        String p = worker.problem();
        if (p != null) {
            return p;
        }
        String e = lastError;
        long n = unstored();
        long since = writingSince;
        long stalled = since == 0 ? 0 : clock.millis() - since;
        if (n > 0 && stalled >= STALL_REPORTED_AFTER.toMillis()) {
            return n + " changes reported by the CRM wait to be stored: the store has not answered for " + stalled / 1000
                    + " s" + (e == null ? "" : " (before that: " + e + ")");
        }
        return e == null || n == 0 ? null : n + " changes reported by the CRM wait to be stored: " + e;
    }

    /** Waits until everything reported was stored, up to {@code timeout}; answers whether it was. */
    public boolean flush(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        worker.wake();
        synchronized (flushed) {
            while (unstored() > 0) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return false;
                }
                try {
                    flushed.wait(Math.min(left, 50));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    /** Stores what it can within {@code timeout}, then stops; says in the log what could not be stored. */
    public void close(Duration timeout) {
        if (!flush(timeout)) {
            LOG.warn("Wazzup sync: {} changes reported by the CRM could not be stored before the connector stopped"
                    + " ({}); the next reconciliation sends what they changed", unstored(), lastError);
        }
        worker.stop();
        worker.join(Duration.ofSeconds(5));
    }
}
