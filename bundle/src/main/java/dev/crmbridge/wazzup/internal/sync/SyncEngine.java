package dev.crmbridge.wazzup.internal.sync;

import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.sync.DeadLetter;
import dev.crmbridge.wazzup.api.sync.EntityStatus;
import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.internal.client.WazzupClient;
import dev.crmbridge.wazzup.internal.store.Fence;
import dev.crmbridge.wazzup.internal.store.FencedException;
import dev.crmbridge.wazzup.internal.store.GroupWriter;
import dev.crmbridge.wazzup.internal.store.OutboxRow;
import dev.crmbridge.wazzup.internal.store.Store;
import dev.crmbridge.wazzup.internal.store.StoreException;
import dev.crmbridge.wazzup.internal.util.Worker;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Keeps Wazzup in step with the CRM, with one thread ({@link Worker}) that runs the parts in turn: the
 * {@link InitialSync initial sync} of a new account, the {@link Reconciler reconciliation} when due, and
 * the {@link Dispatcher dispatch round} of what the outbox holds. The engine owns their lifecycle and
 * the thread's sleep, nothing else; the outbox table is the only record of what is pending.
 */
public final class SyncEngine {

    private final SyncContext ctx;
    private final Worker worker;
    private final InitialSync initial;
    private final Reconciler reconciler;
    private final Dispatcher dispatcher;

    private final Object lock = new Object();
    private final int[] fresh = new int[EntityType.values().length];
    private boolean waiting;
    private long wakeAt = Long.MAX_VALUE;
    private boolean initialDone;
    private long nextReconcile = -1;

    /**
     * @param store the account's store (the engine writes through it fenced by {@code fence})
     * @param client the Wazzup client, or null while no API key is configured (changes are recorded
     *     but not sent)
     * @param directory the host's directory as it is now (it may come and go)
     * @param fence closed when the engine is replaced: from then on it neither sends nor commits
     */
    public SyncEngine(SyncSettings settings, Store store, GroupWriter writer, WazzupClient client,
            Supplier<CrmDirectory> directory, Clock clock, Fence fence) {
        this.worker = new Worker("the Wazzup sync", this::pass, Duration.ofSeconds(5), Duration.ofSeconds(60));
        List<SyncedType<?, ?>> types = SyncedType.forScheme(settings.scheme(), new Payloads(settings.phones()));
        this.ctx = new SyncContext(settings, store.fenced(fence), client, directory, clock, fence, types,
                new AcceptedWrites(writer, store, fence), worker::running);
        Sender sender = new Sender(ctx, this::wake);
        Resolver resolver = new Resolver(ctx, sender);
        this.initial = new InitialSync(ctx, resolver, sender);
        this.reconciler = new Reconciler(ctx);
        this.dispatcher = new Dispatcher(ctx, resolver, sender);
    }

    /** The types this engine syncs, in sending order. */
    public List<SyncedType<?, ?>> types() {
        return ctx.types;
    }

    /** Starts the sync thread. */
    public void start() {
        worker.start();
    }

    /** Asks the thread to stop after the step it is in; {@link #join} waits for it. */
    public void stop() {
        worker.stop();
    }

    /** Waits for the thread to end; answers whether it did. */
    public boolean join(Duration timeout) {
        return worker.join(timeout);
    }

    /** Wakes the thread, e.g. when the directory appeared or changes were stored. */
    public void wake() {
        worker.wake();
    }

    /**
     * Changes of a type were stored in the outbox: the thread wakes at once when a full batch may be
     * waiting or it sleeps past the batch window; otherwise the window decides, and a burst of events
     * costs no extra rounds.
     */
    public void stored(EntityType type, int count) {
        boolean wake;
        synchronized (lock) {
            fresh[type.ordinal()] = (int) Math.min(Integer.MAX_VALUE, (long) fresh[type.ordinal()] + count);
            wake = fresh[type.ordinal()] >= Dispatcher.BATCH || !waiting
                    || wakeAt > ctx.clock.millis() + ctx.settings.batchDelay().toMillis();
        }
        if (wake) {
            worker.wake();
        }
    }

    private void pass() {
        try {
            if (nextReconcile < 0) {
                ctx.deadLetters.set(ctx.store.deadLetters().counts().values().stream().mapToLong(Long::longValue).sum());
                reconciler.load();
                nextReconcile = reconciler.nextAt();
            }
            if (!initialDone) {
                initialDone = initial.step();
            }
            if (reconciler.due(nextReconcile, ctx.clock.millis())) {
                reconciler.run();
                nextReconcile = reconciler.nextAt();
            }
            long wake = Math.min(dispatcher.round(), nextReconcile);
            if (!initialDone) {
                // the next page at once, unless paused or waiting for the directory or a key
                long now = ctx.clock.millis();
                wake = Math.min(wake, ctx.directory.get() == null || ctx.client == null ? now + 2_000
                        : Math.max(now, ctx.health.pausedUntil()));
            }
            await(wake);
        } catch (Abort | FencedException stop) {
            if (!ctx.fence.open()) {
                worker.stop(); // replaced: this engine is done
            } else if (worker.running()) {
                await(ctx.clock.millis() + 1_000);
            }
        } catch (StoreException e) {
            ctx.health.problem("the connector's database failed: " + e.getMessage());
            throw e;
        }
    }

    private void await(long until) {
        synchronized (lock) {
            waiting = true;
            wakeAt = until;
        }
        try {
            worker.await(until == Long.MAX_VALUE ? 60_000 : until - ctx.clock.millis());
        } finally {
            synchronized (lock) {
                waiting = false;
                wakeAt = Long.MAX_VALUE;
                java.util.Arrays.fill(fresh, 0);
            }
        }
    }

    // ---------------------------------------------------------------- what SyncStatus shows

    /** The state per type, with changes the host reported that wait to be stored ({@code unstored}). */
    public Map<EntityType, EntityStatus> entities(Map<EntityType, Long> unstored) {
        return ctx.health.entities(ctx.types.stream().map(SyncedType::type).toList(), ctx.store.outbox().counts(),
                ctx.store.deadLetters().counts(), ctx.store.synced().counts(), unstored);
    }

    /** Whether the thread runs with a key and a directory. */
    public boolean running() {
        return worker.alive() && ctx.client != null && ctx.directory.get() != null;
    }

    /** What keeps the sync from working, in words, or null. */
    public String problem() {
        String p = worker.problem();
        return p != null ? p : ctx.health.problem();
    }

    public boolean initialSyncComplete() {
        return initial.complete();
    }

    public List<DeadLetter> deadLetters() {
        return ctx.store.deadLetters().all();
    }

    /** Sends a dead letter again: it leaves the dead letters and goes back to the outbox. */
    public boolean retry(DeadLetter deadLetter) {
        int removed = ctx.store.deadLetters().remove(deadLetter.type(), List.of(deadLetter.entityId()));
        if (removed == 0) {
            return false;
        }
        ctx.store.outbox().enqueue(deadLetter.type(), List.of(deadLetter.entityId()), OutboxRow.Op.SAVE, ctx.clock.millis());
        wake();
        return true;
    }

    /** Asks for a reconciliation now; the request is durable (the next engine does it if this one stops). */
    public void resyncAll() {
        reconciler.request();
        wake();
    }

    @Override
    public String toString() {
        return "SyncEngine[" + ctx.types + (worker.alive() ? ", running" : "") + "]";
    }
}
