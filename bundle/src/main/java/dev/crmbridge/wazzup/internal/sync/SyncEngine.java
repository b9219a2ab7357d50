package dev.crmbridge.wazzup.internal.sync;

import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.sync.DeadLetter;
import dev.crmbridge.wazzup.api.sync.EntityStatus;
import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.internal.client.WazzupClient;
import dev.crmbridge.wazzup.internal.cluster.Leadership;
import dev.crmbridge.wazzup.internal.store.Fence;
import dev.crmbridge.wazzup.internal.store.FencedException;
import dev.crmbridge.wazzup.internal.store.GroupWriter;
import dev.crmbridge.wazzup.internal.store.OutboxRow;
import dev.crmbridge.wazzup.internal.store.Store;
import dev.crmbridge.wazzup.internal.store.StoreException;
import dev.crmbridge.wazzup.internal.util.Worker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Keeps Wazzup in step with the CRM, with one thread ({@link Worker}) that runs the parts in turn: the
 * {@link InitialSync initial sync} of a new account, the {@link Reconciler reconciliation} when due, and
 * the {@link Dispatcher dispatch round} of what the outbox holds. The engine owns their lifecycle and
 * the thread's sleep, nothing else; the outbox table is the only record of what is pending.
 *
 * <p>The parts run only while this node leads the account ({@link Leadership}); alone, that is always.
 * Each term as the leader gets parts of its own, fenced by the term: they start from what the store
 * holds (another node may have led meanwhile), and once the term is over none of their requests goes out
 * and none of their writes commits. In a cluster the leader also looks at the outbox at least every
 * {@link #CLUSTER_POLL}, since changes recorded on other nodes do not wake it.
 */
public final class SyncEngine {

    /** How often a leader of a cluster looks for changes other nodes recorded. */
    static final Duration CLUSTER_POLL = Duration.ofMillis(500);
    /** How often a node that does not lead looks whether it leads now (a change of term also wakes it). */
    static final Duration FOLLOWER_POLL = Duration.ofSeconds(1);

    /** The parts of one term. */
    private record Parts(Fence.Term term, SyncContext ctx, InitialSync initial, Reconciler reconciler, Dispatcher dispatcher) {
    }

    private final SyncSettings settings;
    private final Store store;
    private final GroupWriter writer;
    private final WazzupClient client;
    private final Supplier<CrmDirectory> directory;
    private final Clock clock;
    private final Fence fence;
    private final Leadership leadership;
    private final Worker worker;
    private final Health health;
    private final List<SyncedType<?, ?>> types;
    /** The engine's view for what any node may do (status, retries, requests): fenced by the runtime only. */
    private final SyncContext base;
    private final Reconciler requests;
    private final Runnable unlisten;

    private final Object lock = new Object();
    private final int[] fresh = new int[EntityType.values().length];
    private boolean waiting;
    private long wakeAt = Long.MAX_VALUE;
    private volatile Parts parts;
    private boolean initialDone;
    private long nextReconcile = -1;

    /** An engine that leads alone (the embedded store). */
    public SyncEngine(SyncSettings settings, Store store, GroupWriter writer, WazzupClient client,
            Supplier<CrmDirectory> directory, Clock clock, Fence fence) {
        this(settings, store, writer, client, directory, clock, fence, Leadership.solo("this node"));
    }

    /**
     * @param store the account's store (the engine writes through it fenced by {@code fence})
     * @param client the Wazzup client, or null while no API key is configured (changes are recorded
     *     but not sent)
     * @param directory the host's directory as it is now (it may come and go)
     * @param fence closed when the engine is replaced: from then on it neither sends nor commits
     * @param leadership whether this node leads the account, term by term
     */
    public SyncEngine(SyncSettings settings, Store store, GroupWriter writer, WazzupClient client,
            Supplier<CrmDirectory> directory, Clock clock, Fence fence, Leadership leadership) {
        this.settings = settings;
        this.store = store;
        this.writer = writer;
        this.directory = directory;
        this.clock = clock;
        this.fence = fence;
        this.leadership = leadership;
        this.worker = new Worker("the Wazzup sync", this::pass, Duration.ofSeconds(5), Duration.ofSeconds(60));
        this.health = new Health(clock, settings.retryMaxDelay());
        this.types = SyncedType.forScheme(settings.scheme(), new Payloads(settings.phones()));
        // the term's requests go out only while the term holds, checked right before each attempt
        this.client = client == null || !leadership.clustered() ? client : client.gated(this::checkTerm);
        this.base = context(fence);
        this.requests = new Reconciler(base);
        this.unlisten = leadership.onChange(worker::wake);
    }

    private SyncContext context(Fence f) {
        return new SyncContext(settings, store.fenced(f), client, directory, clock, health, f, types,
                new AcceptedWrites(writer, store, f), worker::running);
    }

    private Parts parts(Fence.Term term) {
        SyncContext ctx = context(fence.whileLeading(term));
        Sender sender = new Sender(ctx, this::wake);
        Resolver resolver = new Resolver(ctx, sender);
        return new Parts(term, ctx, new InitialSync(ctx, resolver, sender), new Reconciler(ctx),
                new Dispatcher(ctx, resolver, sender));
    }

    private void checkTerm() {
        Parts p = parts;
        if (p == null || !p.term().valid()) {
            throw new FencedException("this node does not lead the account now: nothing may go to Wazzup");
        }
    }

    /** The types this engine syncs, in sending order. */
    public List<SyncedType<?, ?>> types() {
        return types;
    }

    /** Starts the sync thread. */
    public void start() {
        worker.start();
    }

    /** Asks the thread to stop after the step it is in; {@link #join} waits for it. */
    public void stop() {
        unlisten.run();
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
                    || wakeAt > clock.millis() + settings.batchDelay().toMillis();
        }
        if (wake) {
            worker.wake();
        }
    }

    private void pass() {
        Fence.Term term = leadership.term();
        if (term == null || !term.valid()) {
            parts = null;
            await(clock.millis() + FOLLOWER_POLL.toMillis());
            return;
        }
        Parts p = parts;
        if (p == null || p.term() != term) {
            p = parts(term); // a new term: everything from the store, as another leader may have left it
            parts = p;
            initialDone = false;
            nextReconcile = -1;
        }
        SyncContext ctx = p.ctx();
        try {
            if (nextReconcile < 0) {
                ctx.deadLetters.set(ctx.store.deadLetters().counts().values().stream().mapToLong(Long::longValue).sum());
                p.reconciler().load();
                nextReconcile = p.reconciler().nextAt();
            }
            if (!initialDone) {
                initialDone = p.initial().step();
            }
            if (leadership.clustered()) {
                p.reconciler().load(); // a request may have been made on another node
            }
            if (p.reconciler().due(nextReconcile, ctx.clock.millis())) {
                p.reconciler().run();
                nextReconcile = p.reconciler().nextAt();
            }
            long wake = Math.min(p.dispatcher().round(), nextReconcile);
            long now = ctx.clock.millis();
            if (!initialDone) {
                // the next page at once, unless paused or waiting for the directory or a key
                wake = Math.min(wake, ctx.directory.get() == null || ctx.client == null ? now + 2_000
                        : Math.max(now, ctx.health.pausedUntil()));
            }
            if (leadership.clustered()) {
                wake = Math.min(wake, Math.max(now + CLUSTER_POLL.toMillis(), ctx.health.pausedUntil()));
                shareOutage(ctx, p.term());
            }
            await(wake);
        } catch (Abort | FencedException stop) {
            if (!fence.open()) {
                worker.stop(); // replaced: this engine is done
            } else if (!p.term().valid()) {
                parts = null; // the term is over: the next pass follows the new leader
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
            worker.await(until == Long.MAX_VALUE ? 60_000 : until - clock.millis());
        } finally {
            synchronized (lock) {
                waiting = false;
                wakeAt = Long.MAX_VALUE;
                java.util.Arrays.fill(fresh, 0);
            }
        }
    }

    /** This node's leadership of the account. */
    public Leadership leadership() {
        return leadership;
    }

    // ---------------------------------------------------------------- what SyncStatus shows

    /** The state per type, with changes the host reported that wait to be stored ({@code unstored}). */
    public Map<EntityType, EntityStatus> entities(Map<EntityType, Long> unstored) {
        return health.entities(types.stream().map(SyncedType::type).toList(), base.store.outbox().counts(),
                base.store.deadLetters().counts(), base.store.synced().counts(), unstored);
    }

    /** Whether the thread runs with a key and a directory. */
    public boolean running() {
        return worker.alive() && client != null && directory.get() != null;
    }

    /** What keeps the sync from working, in words, or null. */
    public String problem() {
        String p = worker.problem();
        return p != null ? p : health.problem();
    }

    /** The meta fact where a cluster's leader keeps its outage, for the other nodes' health checks. */
    static final String SHARED_OUTAGE = "health.outage";
    private Outage sharedOutage;
    private Fence.Term sharedIn;

    /**
     * Wazzup failing the sync now, or null. Only the leader sends to Wazzup: a node that does not lead a
     * cluster answers the outage the leader shared.
     */
    public Outage outage() {
        if (!leadership.clustered()) {
            return health.outage();
        }
        Fence.Term t = leadership.term();
        if (t != null && t.valid()) {
            return health.outage();
        }
        try {
            return decode(base.store.meta().get(SHARED_OUTAGE));
        } catch (RuntimeException e) {
            return null; // the store cannot say now: the health check reports the store's problem
        }
    }

    /** The leader writes its outage where the other nodes read it, when it changed. */
    private void shareOutage(SyncContext ctx, Fence.Term term) {
        Outage now = ctx.health.outage();
        if (term == sharedIn && java.util.Objects.equals(now, sharedOutage)) {
            return; // written in this term already
        }
        ctx.store.meta().put(SHARED_OUTAGE, now == null ? "" : now.since().toEpochMilli() + "|" + now.failuresInARow()
                + "|" + (now.keyRefused() ? 1 : 0) + "|" + now.why());
        sharedOutage = now;
        sharedIn = term;
    }

    static Outage decode(String v) {
        if (v == null || v.isEmpty()) {
            return null;
        }
        String[] p = v.split("\\|", 4);
        if (p.length < 4) {
            return null;
        }
        try {
            return new Outage(Instant.ofEpochMilli(Long.parseLong(p[0])), Integer.parseInt(p[1]), p[2].equals("1"), p[3]);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** When the oldest change still to send was recorded, or null when none waits. */
    public Instant oldestPending() {
        long at = base.store.outbox().oldestCreatedAt();
        return at == 0 ? null : Instant.ofEpochMilli(at);
    }

    /** Whether this engine has a key to send with. */
    public boolean hasKey() {
        return client != null;
    }

    public boolean initialSyncComplete() {
        Parts p = parts;
        return p != null ? p.initial().complete() : InitialSync.completeIn(base);
    }

    public List<DeadLetter> deadLetters() {
        return base.store.deadLetters().all();
    }

    /** Sends a dead letter again: it leaves the dead letters and goes back to the outbox. */
    public boolean retry(DeadLetter deadLetter) {
        int removed = base.store.deadLetters().remove(deadLetter.type(), List.of(deadLetter.entityId()));
        if (removed == 0) {
            return false;
        }
        base.store.outbox().enqueue(deadLetter.type(), List.of(deadLetter.entityId()), OutboxRow.Op.SAVE, clock.millis());
        wake();
        return true;
    }

    /** Asks for a reconciliation now; the request is durable (the next engine does it if this one stops). */
    public void resyncAll() {
        requests.request();
        Parts p = parts;
        if (p != null) {
            p.reconciler().requested();
        }
        wake();
    }

    @Override
    public String toString() {
        return "SyncEngine[" + types + (worker.alive() ? ", running" : "") + "]";
    }
}
