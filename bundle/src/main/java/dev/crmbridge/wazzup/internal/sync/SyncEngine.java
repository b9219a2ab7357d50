package dev.crmbridge.wazzup.internal.sync;

import dev.crmbridge.wazzup.api.model.CrmContact;
import dev.crmbridge.wazzup.api.model.CrmDeal;
import dev.crmbridge.wazzup.api.model.CrmUser;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.spi.Page;
import dev.crmbridge.wazzup.api.sync.DeadLetter;
import dev.crmbridge.wazzup.api.sync.EntityStatus;
import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.api.sync.SyncStatus;
import dev.crmbridge.wazzup.internal.client.ForbiddenException;
import dev.crmbridge.wazzup.internal.client.InvalidDataException;
import dev.crmbridge.wazzup.internal.client.ItemError;
import dev.crmbridge.wazzup.internal.client.RateLimitedException;
import dev.crmbridge.wazzup.internal.client.UnauthorizedException;
import dev.crmbridge.wazzup.internal.client.UnavailableException;
import dev.crmbridge.wazzup.internal.client.WazzupClient;
import dev.crmbridge.wazzup.internal.client.WazzupException;
import dev.crmbridge.wazzup.internal.client.WzContact;
import dev.crmbridge.wazzup.internal.client.WzDeal;
import dev.crmbridge.wazzup.internal.client.WzPipeline;
import dev.crmbridge.wazzup.internal.client.WzUser;
import dev.crmbridge.wazzup.internal.store.OutboxRow;
import dev.crmbridge.wazzup.internal.store.Refs;
import dev.crmbridge.wazzup.internal.store.StoreException;
import dev.crmbridge.wazzup.internal.store.SyncStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Wazzup in step with the CRM: records changes in the outbox, and one thread dispatches them in
 * order (users → pipelines → contacts → deals), in batches of 100, skipping what Wazzup already holds
 * (payload hashes), pausing while Wazzup is down, and setting aside what Wazzup rejects. It also runs
 * the initial sync of a new account and the periodic reconciliation. Answers the sync part of
 * {@link SyncStatus}.
 */
public final class SyncEngine implements AutoCloseable {


    private static final Logger LOG = LoggerFactory.getLogger(SyncEngine.class);

    /** Requests carry at most this many entities (§1.5 of the reference). */
    static final int BATCH = 100;
    /** Outbox rows read per query. */
    static final int PAGE = 1_000;
    /** Pipelines are one set: their outbox row and hash use this id. */
    static final String ALL_PIPELINES = "*";
    /** The first pause after Wazzup failed; it doubles up to the configured maximum. */
    static final Duration FIRST_PAUSE = Duration.ofSeconds(2);

    static final String CODE_CONTACT_NOT_IN_CRM = "CONTACT_NOT_IN_CRM";
    static final String CODE_CONTACT_WITHOUT_CHATS = "CONTACT_WITHOUT_CHATS";
    static final String CODE_CONTACT_REJECTED = "CONTACT_REJECTED";

    private final SyncSettings settings;
    private final SyncStore store;
    private final WazzupClient client;
    private final Supplier<CrmDirectory> directory;
    private final Clock clock;
    private final Payloads payloads;
    private final List<EntityType> types;

    private final Object lock = new Object();
    private boolean signaled;
    private final Map<EntityType, Set<String>> fresh = new EnumMap<>(EntityType.class);
    private volatile boolean running;
    private volatile boolean reconcileRequested;
    private static final String RECONCILE_REQUESTED = "reconcile.requested";
    private static final String REQUESTED = "1";
    private volatile boolean initialComplete;
    /** The initial sync's next page, ahead of the store (which records it after the page's writes). */
    private String nextCursor;
    /** A type whose initial sync started with nothing of it in Wazzup (in this run): its hashes are all new. */
    private EntityType freshType;
    private Thread thread;

    private long pausedUntil;
    private int failures;
    /** Writes what Wazzup accepted while the dispatcher goes on. */
    private Thread writer;
    /** Dead letters in the store, or more (never fewer): 0 lets the dispatcher skip clearing them. */
    private final java.util.concurrent.atomic.AtomicLong deadLetters = new java.util.concurrent.atomic.AtomicLong(-1);
    private volatile String problem;
    private final Map<EntityType, Instant> lastSuccess = new ConcurrentHashMap<>();
    private final Map<EntityType, String> lastError = new ConcurrentHashMap<>();
    private final Map<EntityType, Instant> lastErrorAt = new ConcurrentHashMap<>();

    /** Thrown inside a round when Wazzup is unavailable: the round ends, the rows wait. */
    private static final class Abort extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Abort() {
            super(null, null, false, false);
        }
    }

    /**
     * @param client the Wazzup client, or null while no API key is configured (changes are recorded
     *     but not sent)
     * @param directory the host's directory as it is now (it may come and go), or null
     */
    public SyncEngine(SyncSettings settings, SyncStore store, WazzupClient client, Supplier<CrmDirectory> directory,
            Clock clock) {
        this.settings = settings;
        this.store = store;
        this.client = client;
        this.directory = directory;
        this.clock = clock;
        this.payloads = new Payloads(settings.phones());
        this.types = settings.types();
        for (EntityType t : EntityType.values()) {
            fresh.put(t, new HashSet<>());
        }
    }

    // ------------------------------------------------------------------ lifecycle

    /** Starts the dispatcher thread. */
    public void start() {
        deadLetters.set(store.deadCounts().values().stream().mapToLong(Long::longValue).sum());
        running = true;
        writer = new Thread(this::writeLoop, "wazzup-sync-store");
        writer.setDaemon(true);
        writer.start();
        thread = new Thread(this::loop, "wazzup-sync");
        thread.setDaemon(true);
        thread.start();
    }

    /** Asks the dispatcher to stop after the step it is in; {@link #close()} waits for it. */
    public void stop() {
        running = false;
        wake();
        writes.offer(STOP_WRITER);
    }

    @Override
    public void close() {
        stop();
        Thread t = thread;
        if (t != null) {
            try {
                // let the round end between requests: an interrupt in the middle of a database write
                // would make the embedded database close its file
                t.join(15_000);
                if (t.isAlive()) {
                    t.interrupt();
                    t.join(2_000);
                }

            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Thread w = writer;
        if (w != null) {
            try {
                w.join(10_000); // it ends once the queue is empty and running is false
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Wakes the dispatcher, e.g. when the directory appeared. */
    public void wake() {
        synchronized (lock) {
            signaled = true;
            lock.notifyAll();
        }
    }

    // ------------------------------------------------------------------ change capture

    /**
     * Records changes durably (committed when this returns) and tells the dispatcher. Pipelines are
     * one set: any pipeline change is a change of the set. Types the scheme does not sync are ignored.
     */
    public void record(EntityType type, Collection<String> ids, OutboxRow.Op op) {
        if (!types.contains(type) || ids.isEmpty()) {
            return;
        }
        Collection<String> keys = type == EntityType.PIPELINE ? List.of(ALL_PIPELINES) : ids;
        OutboxRow.Op effective = type == EntityType.PIPELINE ? OutboxRow.Op.SAVE : op;
        synchronized (index) {
            // a change of an entity whose row is committed and not yet read by the dispatcher is already
            // recorded: the dispatcher reads the entity's current state after marking it in flight
            List<String> write = new ArrayList<>();
            for (String id : keys) {
                Mark m = index.get(key(type, id));
                if (m == null || m.inFlight() || m.op() != effective) {
                    write.add(id);
                }
            }
            store.enqueue(type, write, effective, clock.millis());
            for (String id : write) {
                index.put(key(type, id), new Mark(effective, false));
            }
        }
        synchronized (lock) {
            Set<String> f = fresh.get(type);
            for (String id : keys) {
                if (f.size() >= BATCH) {
                    break;
                }
                f.add(id);
            }
            // wake at once when a full batch may be waiting or the loop sleeps past the batch window;
            // otherwise the window decides and a burst of events costs no extra rounds
            if (f.size() >= BATCH || !waiting || wakeAt > clock.millis() + settings.batchDelay().toMillis()) {
                signaled = true;
                lock.notifyAll();
            }
        }
    }

    private boolean waiting;
    private long wakeAt = Long.MAX_VALUE;

    /** What the engine knows of an outbox row written by {@link #record}: its operation, whether it is being handled. */
    private record Mark(OutboxRow.Op op, boolean inFlight) {
    }

    /** Rows recorded from events and not completed yet, by type and id. Guarded by itself. */
    private final Map<String, Mark> index = new HashMap<>();

    private static String key(EntityType type, String id) {
        return type.ordinal() + ":" + id;
    }

    /** The dispatcher is about to read these rows' entities: later events must write again. */
    private void markInFlight(List<OutboxRow> rows) {
        synchronized (index) {
            for (OutboxRow r : rows) {
                String k = key(r.type(), r.id());
                if (index.containsKey(k)) {
                    index.put(k, new Mark(r.op(), true));
                }
            }
        }
    }

    /** Rows handled: removed from the outbox unless they changed meanwhile (then an event wrote again). */
    private void complete(Collection<OutboxRow> rows) {
        store.complete(rows);
        forget(rows);
    }

    /** Completed rows leave the index, unless an event recorded them again meanwhile. */
    private void forget(Collection<OutboxRow> rows) {
        synchronized (index) {
            for (OutboxRow r : rows) {
                String k = key(r.type(), r.id());
                Mark m = index.get(k);
                if (m != null && m.inFlight()) {
                    index.remove(k);
                }
            }
        }
    }

    /** After a round, rows still in the outbox (held, postponed) are pending again. */
    private void releaseInFlight() {
        synchronized (index) {
            index.replaceAll((k, m) -> m.inFlight() ? new Mark(m.op(), false) : m);
        }
    }

    // ------------------------------------------------------------------ the loop

    private void loop() {
        long nextReconcile = nextReconcileAt();
        if (REQUESTED.equals(store.meta(RECONCILE_REQUESTED))) {
            reconcileRequested = true; // asked of an earlier engine (a configuration change, a restart)
        }
        boolean initialDone = false;
        while (running) {
            try {
                long now = clock.millis();
                if (!initialDone) {
                    initialDone = initialSyncStep();
                    initialComplete = initialDone;
                }
                if (client != null && directory.get() != null
                        && (reconcileRequested || (nextReconcile != Long.MAX_VALUE && now >= nextReconcile))) {
                    reconcileRequested = false;
                    reconcile();
                    nextReconcile = nextReconcileAt();
                }
                long wake = Math.min(round(), nextReconcile);
                if (!initialDone) {
                    // the next page at once, unless paused or waiting for the directory or a key
                    long now2 = clock.millis();
                    wake = Math.min(wake, directory.get() == null || client == null ? now2 + 2_000 : Math.max(now2, pausedUntil));
                }
                await(wake);
            } catch (RuntimeException e) {
                if (!running) {
                    break; // stopping: whatever failed is retried after the next start
                }
                failure(e);
            }
        }
    }

    private void failure(RuntimeException failure) {
        try {
            throw failure;
        } catch (StoreException e) {
            problem("the connector's database failed: " + e.getMessage());
                LOG.error("Wazzup sync: database failure, retrying in 5 s", e);
                await(clock.millis() + 5_000);
        } catch (RuntimeException e) {
            problem("unexpected failure: " + e.getClass().getSimpleName());
            LOG.error("Wazzup sync: unexpected failure, retrying in 5 s", e);
            await(clock.millis() + 5_000);
        }
    }

    private void await(long wakeAt) {
        synchronized (lock) {
            waiting = true;
            this.wakeAt = wakeAt;
            try {
                while (running && !signaled) {
                    long ms = wakeAt == Long.MAX_VALUE ? 60_000 : wakeAt - clock.millis();
                    if (ms <= 0) {
                        break;
                    }
                    lock.wait(Math.min(ms, 60_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            } finally {
                signaled = false;
                waiting = false;
                fresh.values().forEach(Set::clear);
            }
        }
    }

    private long nextReconcileAt() {
        if (settings.reconcileInterval().isZero() || settings.reconcileInterval().isNegative()) {
            return Long.MAX_VALUE;
        }
        String last = store.meta("reconcile.last");
        long base = last == null ? clock.millis() : Long.parseLong(last);
        if (last == null) {
            store.meta("reconcile.last", Long.toString(base));
        }
        return base + settings.reconcileInterval().toMillis();
    }

    // ------------------------------------------------------------------ initial sync

    /**
     * One step of the initial sync of a new account: one page of the CRM, read straight from the
     * directory and sent in batches of 100 (what Wazzup already holds is skipped by its hash), in the
     * order users → pipelines → contacts → deals. The position is kept in the store after each page, so
     * a restart resumes where it stopped; no outbox row is written for it.
     *
     * @return true when the initial sync is complete (or not wanted)
     */
    private boolean initialSyncStep() {
        String known = store.meta("account");
        if (!settings.accountDigest().equals(known)) {
            if (known != null) {
                LOG.info("Wazzup sync: the API key belongs to another account; everything will be sent again");
                store.clearHashes();
            }
            store.meta("account", settings.accountDigest());
            store.meta("initial.phase", settings.initialSync() ? types.get(0).name() : "DONE");
            store.meta("initial.cursor", "");
        }
        String phase = store.meta("initial.phase");
        if (phase == null || phase.equals("DONE")) {
            return true;
        }
        CrmDirectory dir = directory.get();
        long now = clock.millis();
        if (dir == null || client == null || now < pausedUntil) {
            return false;
        }
        EntityType type = EntityType.valueOf(phase);
        String cursor = nextCursor != null ? nextCursor : store.meta("initial.cursor");
        if (cursor == null || cursor.isEmpty()) {
            // a type starting from nothing: no entity of it can be in Wazzup yet, no need to look up hashes
            freshType = store.syncedCounts().getOrDefault(type, 0L) == 0 ? type : null;
        }
        String next;
        try {
            next = initialPage(dir, type, cursor == null || cursor.isEmpty() ? null : cursor, now);
        } catch (Abort stop) {
            return false; // Wazzup unavailable: this page again after the pause
        } catch (RuntimeException e) {
            if (cursor != null && !cursor.isEmpty()) {
                // a position the host no longer understands: read the type again from the start; what
                // Wazzup already holds costs nothing (hashes)
                LOG.warn("Wazzup sync: initial sync could not resume {} at the saved position; starting the type again", type);
                store.meta("initial.cursor", "");
                return false;
            }
            throw e;
        }
        // the position moves past the page in the transaction of its last hashes, never before them
        if (next != null) {
            recordAfterWrites(Map.of("initial.cursor", next), now);
            nextCursor = next;
            return false;
        }
        nextCursor = null;
        int i = types.indexOf(type);
        String after = i + 1 < types.size() ? types.get(i + 1).name() : "DONE";
        recordAfterWrites(Map.of("initial.phase", after, "initial.cursor", ""), now);
        settle();
        if (after.equals("DONE")) {
            LOG.info("Wazzup sync: initial sync complete");
        }
        return after.equals("DONE");
    }

    /** Sends one page of the initial sync; answers the next cursor, null at the end of the type. */
    private String initialPage(CrmDirectory dir, EntityType type, String cursor, long now) {
        if (type == EntityType.PIPELINE) {
            store.enqueue(EntityType.PIPELINE, List.of(ALL_PIPELINES), OutboxRow.Op.SAVE, now);
            pipelines(dir, now);
            return null;
        }
        Page<?> page = switch (type) {
            case USER -> dir.users(cursor, PAGE);
            case CONTACT -> dir.contacts(cursor, PAGE);
            default -> dir.deals(cursor, PAGE);
        };
        // rows that exist only here: completing or postponing them touches nothing in the outbox
        List<OutboxRow> rows = page.items().stream()
                .map(e -> new OutboxRow(type, idOf(e), OutboxRow.Op.SAVE, -1, now, 0, now)).toList();
        List<Ready> ready = new ArrayList<>();
        List<OutboxRow> deletes = new ArrayList<>();
        resolve(type, dir, rows, ready, deletes, now, page.items());
        for (int from = 0; from < ready.size(); from += BATCH) {
            send(type, ready.subList(from, Math.min(ready.size(), from + BATCH)), now);
        }
        return page.nextCursor();
    }

    private static String idOf(Object entity) {
        if (entity instanceof CrmUser u) {
            return u.id();
        }
        if (entity instanceof CrmContact c) {
            return c.id();
        }
        return ((CrmDeal) entity).id();
    }

    // ------------------------------------------------------------------ a dispatch round

    /** Sends what is due; answers when to look again. */
    long round() {
        long now = clock.millis();
        if (client == null) {
            problem("no Wazzup API key is configured: changes are recorded and will be sent once it is");
            return Long.MAX_VALUE;
        }
        CrmDirectory dir = directory.get();
        if (dir == null) {
            problem("waiting for the host's CrmDirectory service");
            return Long.MAX_VALUE;
        }
        if (now < pausedUntil) {
            return pausedUntil;
        }
        long wake = Long.MAX_VALUE;
        try {
            for (int i = 0; i < types.size(); i++) {
                EntityType type = types.get(i);
                // a batch that is not full waits for more, unless a later type is due: the order
                // users → pipelines → contacts → deals must hold
                boolean flush = false;
                for (EntityType later : types.subList(i + 1, types.size())) {
                    flush = flush || !store.due(later, now, "", 1).isEmpty();
                }
                wake = Math.min(wake, type == EntityType.PIPELINE ? pipelines(dir, now) : dispatch(type, dir, now, flush));
            }
        } catch (Abort stop) {
            return pausedUntil;
        } finally {
            // rows the dispatcher read stay marked in flight until the writes that may delete them are
            // done: an event must not be skipped as "already pending" for a row about to be removed
            try {
                if (outboxWritesInFlight) {
                    settle();
                }
            } finally {
                releaseInFlight();
            }
        }
        if (failures == 0) {
            problem(null);
        }
        return Math.min(wake, store.nextDueAfter(now));
    }

    /** One entity ready to send; {@code held} tells whether Wazzup holds an older version. */
    private record Ready(OutboxRow row, Object payload, String hash, boolean held) {
    }

    private long dispatch(EntityType type, CrmDirectory dir, long now, boolean flush) {
        String after = "";
        List<Ready> saves = new ArrayList<>();
        List<OutboxRow> deletes = new ArrayList<>();
        while (true) {
            if (!running) {
                throw new Abort();
            }
            List<OutboxRow> rows = store.due(type, now, after, PAGE);
            if (rows.isEmpty()) {
                break;
            }
            // rows read before the writes in flight settle may already be accepted: their hashes (read
            // after settling) then match and they complete without a request
            settle();
            markInFlight(rows);
            after = rows.get(rows.size() - 1).id();
            List<OutboxRow> saveRows = new ArrayList<>();
            for (OutboxRow r : rows) {
                (r.op() == OutboxRow.Op.DELETE ? deletes : saveRows).add(r);
            }
            resolve(type, dir, saveRows, saves, deletes, now);
            while (saves.size() >= BATCH) {
                send(type, new ArrayList<>(saves.subList(0, BATCH)), now);
                saves.subList(0, BATCH).clear();
            }
            while (deletes.size() >= BATCH) {
                delete(type, new ArrayList<>(deletes.subList(0, BATCH)), now);
                deletes.subList(0, BATCH).clear();
            }
            if (rows.size() < PAGE) {
                break;
            }
        }
        long hold = Long.MAX_VALUE;
        if (!saves.isEmpty()) {
            long due = partialDue(saves.stream().mapToLong(r -> r.row().createdAt()).toArray());
            if (flush || due <= now) {
                send(type, saves, now);
            } else {
                hold = due;
            }
        }
        if (!deletes.isEmpty()) {
            long due = partialDue(deletes.stream().mapToLong(OutboxRow::createdAt).toArray());
            if (flush || due <= now) {
                delete(type, deletes, now);
            } else {
                hold = Math.min(hold, due);
            }
        }
        return hold;
    }

    /**
     * When a batch that is not full goes anyway: once no change joined it for the batch delay (a burst
     * is over), and at the latest eight batch delays after its oldest change (a steady trickle).
     */
    private long partialDue(long[] createdAt) {
        long window = settings.batchDelay().toMillis();
        long oldest = Long.MAX_VALUE;
        long newest = Long.MIN_VALUE;
        for (long t : createdAt) {
            oldest = Math.min(oldest, t);
            newest = Math.max(newest, t);
        }
        return Math.min(newest + window, oldest + 8 * window);
    }

    /**
     * Reads the current state of saved entities from the CRM and sorts the rows: ready to send,
     * unchanged (done), gone from the CRM (a delete if Wazzup holds them), deals waiting for contacts.
     */
    private void resolve(EntityType type, CrmDirectory dir, List<OutboxRow> rows, List<Ready> ready,
            List<OutboxRow> deletes, long now) {
        resolve(type, dir, rows, ready, deletes, now, null);
    }

    /** As above; {@code loaded}, when not null, are the rows' entities already read from the directory. */
    private void resolve(EntityType type, CrmDirectory dir, List<OutboxRow> rows, List<Ready> ready,
            List<OutboxRow> deletes, long now, List<?> loaded) {
        if (rows.isEmpty()) {
            return;
        }
        if (loaded == null) {
            settle(); // outbox rows may be the ones just accepted; an initial page's entities are not
        }
        List<String> ids = rows.stream().map(OutboxRow::id).toList();
        Map<String, Object> current = new HashMap<>();
        try {
            List<?> entities = loaded != null ? loaded : switch (type) {
                case USER -> dir.users(ids);
                case CONTACT -> dir.contacts(ids);
                case DEAL -> dir.deals(ids);
                default -> throw new IllegalStateException(type.name());
            };
            for (Object e : entities) {
                Object p = switch (type) {
                    case USER -> payloads.user((CrmUser) e);
                    case CONTACT -> payloads.contact((CrmContact) e);
                    default -> payloads.deal((CrmDeal) e);
                };
                if (p != null) {
                    current.put(idOf(e), p);
                }
            }
        } catch (RuntimeException e) {
            if (loaded != null) {
                throw e;
            }
            // the host failed: keep the changes, try again later
            String why = "the CRM directory failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage());
            LOG.warn("Wazzup sync: {} ({} {} changes wait)", why, rows.size(), type);
            failed(type, why);
            store.postpone(rows, now + pauseFor(1).toMillis(), why, true);
            return;
        }
        Map<String, String> held = loaded != null && type == freshType ? Map.of() : store.hashes(type, ids);
        List<OutboxRow> done = new ArrayList<>();
        List<Ready> candidates = new ArrayList<>();
        for (OutboxRow r : rows) {
            Object payload = current.get(r.id());
            if (payload == null) {
                if (held.containsKey(r.id())) {
                    deletes.add(r);
                } else {
                    done.add(r);
                }
                continue;
            }
            String hash = Payloads.hash(payload);
            if (hash.equals(held.get(r.id()))) {
                done.add(r);
            } else {
                candidates.add(new Ready(r, payload, hash, held.containsKey(r.id())));
            }
        }
        complete(done);
        if (type == EntityType.DEAL) {
            candidates = dealsWithContacts(dir, candidates, now);
        }
        ready.addAll(candidates);
    }

    /** Deals whose contacts Wazzup holds; the others wait for them, or are set aside if they cannot come. */
    private List<Ready> dealsWithContacts(CrmDirectory dir, List<Ready> deals, long now) {
        Set<String> needed = new HashSet<>();
        deals.forEach(r -> needed.addAll(((WzDeal) r.payload()).contacts()));
        Set<String> synced = store.hashes(EntityType.CONTACT, needed).keySet();
        Set<String> missing = new HashSet<>(needed);
        missing.removeAll(synced);
        if (missing.isEmpty()) {
            return deals;
        }
        Set<String> dead = store.deadIds(EntityType.CONTACT, missing);
        Map<String, CrmContact> inCrm = new HashMap<>();
        dir.contacts(missing).forEach(c -> inCrm.put(c.id(), c));
        List<Ready> ok = new ArrayList<>();
        List<OutboxRow> waiting = new ArrayList<>();
        Set<String> toQueue = new HashSet<>();
        for (Ready r : deals) {
            WzDeal deal = (WzDeal) r.payload();
            String blocker = null;
            String code = null;
            boolean wait = false;
            for (String c : deal.contacts()) {
                if (!missing.contains(c)) {
                    continue;
                }
                if (dead.contains(c)) {
                    code = CODE_CONTACT_REJECTED;
                    blocker = "its contact " + c + " was rejected by Wazzup (see that dead letter)";
                } else if (!inCrm.containsKey(c)) {
                    code = CODE_CONTACT_NOT_IN_CRM;
                    blocker = "its contact " + c + " does not exist in the CRM";
                } else if (payloads.contact(inCrm.get(c)) == null) {
                    code = CODE_CONTACT_WITHOUT_CHATS;
                    blocker = "its contact " + c + " has no chat handle, so Wazzup cannot hold it";
                } else {
                    wait = true;
                    toQueue.add(c);
                }
                if (code != null) {
                    break;
                }
            }
            if (code != null) {
                deadLetter(r.row(), code, "Deal not sent: " + blocker, List.of("contacts"), now);
            } else if (wait) {
                waiting.add(r.row());
            } else {
                ok.add(r);
            }
        }
        if (!toQueue.isEmpty()) {
            store.enqueue(EntityType.CONTACT, toQueue, OutboxRow.Op.SAVE, now);
        }
        // waiting for contacts is not a failure: no attempt is counted. A row of the initial sync
        // (not in the outbox) is recorded so that it waits there.
        List<String> synthetic = waiting.stream().filter(r -> r.seq() < 0).map(OutboxRow::id).toList();
        store.enqueue(EntityType.DEAL, synthetic, OutboxRow.Op.SAVE, now);
        store.postpone(waiting.stream().filter(r -> r.seq() >= 0).toList(),
                now + Math.max(1_000, settings.batchDelay().toMillis()), "waiting for its contacts", false);
        return ok;
    }

    /** Sends one batch of upserts; isolates what Wazzup rejects. */
    private void send(EntityType type, List<Ready> batch, long now) {
        if (batch.isEmpty()) {
            return;
        }
        try {
            switch (type) {
                case USER -> client.users().upsert(batch.stream().map(r -> (WzUser) r.payload()).toList());
                case CONTACT -> client.contacts().upsert(batch.stream().map(r -> (WzContact) r.payload()).toList());
                case DEAL -> client.deals().upsert(batch.stream().map(r -> (WzDeal) r.payload()).toList());
                default -> throw new IllegalStateException(type.name());
            }
        } catch (InvalidDataException e) {
            rejected(type, batch, e, now);
            return;
        } catch (UnauthorizedException | ForbiddenException | UnavailableException | RateLimitedException e) {
            unavailable(type, batch.stream().map(Ready::row).toList(), e, now);
            throw new Abort();
        } catch (WazzupException e) {
            rejected(type, batch, e, now);
            return;
        }
        accepted(type, batch, now);
    }

    /**
     * Records what Wazzup accepted. The write runs on the store thread while the dispatcher sends the
     * next batches; writes that queue up meanwhile are committed together (one commit), and at most
     * {@link #WRITES_IN_FLIGHT} are outstanding. Anything that reads what was accepted first waits for
     * them ({@link #settle()}).
     */
    private void accepted(EntityType type, List<Ready> batch, long now) {
        Map<String, String> hashes = new LinkedHashMap<>();
        batch.forEach(r -> hashes.put(r.row().id(), r.hash()));
        List<OutboxRow> rows = batch.stream().map(Ready::row).toList();
        List<String> known = batch.stream().filter(Ready::held).map(r -> r.row().id()).toList();
        boolean clearDead = deadLetters.get() > 0;
        Map<String, Refs> refs = new HashMap<>();
        batch.forEach(r -> {
            Refs x = refs(r.payload());
            if (x != null) {
                refs.put(r.row().id(), x);
            }
        });
        succeeded(type);
        Write w = new Write(new SyncStore.Accepted(type, hashes, known, rows, clearDead, refs), Map.of(), now,
                new java.util.concurrent.CompletableFuture<>());
        outboxWritesInFlight |= rows.stream().anyMatch(r -> r.seq() >= 0);
        while (inFlight.size() >= WRITES_IN_FLIGHT) {
            await(inFlight.poll());
        }
        inFlight.add(w.done());
        writes.add(w);
    }

    /** Whether a write in flight removes outbox rows (not only initial-sync hashes). Dispatcher thread only. */
    private boolean outboxWritesInFlight;

    /** Wakes the store thread when the engine stops. */
    private static final Write STOP_WRITER = new Write(null, Map.of(), 0, new java.util.concurrent.CompletableFuture<>());

    /** At most this many accepted batches wait to be written. */
    static final int WRITES_IN_FLIGHT = 8;

    /** A batch to record, or (batch null) facts to record after the batches before it. */
    private record Write(SyncStore.Accepted batch, Map<String, String> facts, long now,
            java.util.concurrent.CompletableFuture<Void> done) {
    }

    /**
     * Records facts in the store after every accepted batch queued before: committed in the same
     * transaction as the last of them, or after, never before.
     */
    private void recordAfterWrites(Map<String, String> facts, long now) {
        Write w = new Write(null, facts, now, new java.util.concurrent.CompletableFuture<>());
        inFlight.add(w.done());
        writes.add(w);
    }

    private final java.util.concurrent.LinkedBlockingQueue<Write> writes = new java.util.concurrent.LinkedBlockingQueue<>();
    private final java.util.ArrayDeque<java.util.concurrent.CompletableFuture<Void>> inFlight = new java.util.ArrayDeque<>();

    /** The store thread: commits queued writes together, then updates the index and revives deals. */
    private void writeLoop() {
        List<Write> group = new ArrayList<>();
        while (true) {
            try {
                Write first = writes.poll(1, java.util.concurrent.TimeUnit.SECONDS);
                if (first == null || first == STOP_WRITER) {
                    if (!running && writes.isEmpty()) {
                        return;
                    }
                    continue;
                }
                group.add(first);
                writes.drainTo(group);
                group.remove(STOP_WRITER);
                try {
                    Map<String, String> facts = new LinkedHashMap<>();
                    group.forEach(w -> facts.putAll(w.facts()));
                    store.accepted(group.stream().map(Write::batch).filter(java.util.Objects::nonNull).toList(), facts,
                            first.now());
                    boolean contacts = false;
                    boolean clearDead = false;
                    for (Write w : group) {
                        if (w.batch() == null) {
                            continue;
                        }
                        forget(w.batch().rows());
                        contacts |= w.batch().type() == EntityType.CONTACT;
                        clearDead |= w.batch().clearDeadLetters();
                    }
                    if (contacts && clearDead) {
                        // deals set aside because a contact was missing may go now
                        List<String> revived = store.deadIdsWithCode(EntityType.DEAL, "CONTACT_");
                        if (!revived.isEmpty()) {
                            store.removeDeadLetters(EntityType.DEAL, revived);
                            store.enqueue(EntityType.DEAL, revived, OutboxRow.Op.SAVE, first.now());
                            wake();
                        }
                    }
                    group.forEach(w -> w.done().complete(null));
                } catch (RuntimeException e) {
                    group.forEach(w -> w.done().completeExceptionally(e));
                }
                group.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Waits for every write in flight; a failure fails the round (the rows stay and are sent again). */
    private void settle() {
        outboxWritesInFlight = false;
        java.util.concurrent.CompletableFuture<Void> f;
        RuntimeException failure = null;
        while ((f = inFlight.poll()) != null) {
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

    private static void await(java.util.concurrent.CompletableFuture<Void> f) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Abort();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }

    /** Who a contact's or deal's payload belongs to, for webhook events; null for other payloads. */
    public static Refs refs(Object payload) {
        if (payload instanceof WzContact c) {
            List<String> keys = new ArrayList<>();
            for (var h : c.contactData()) {
                for (String handle : new String[] {h.chatId(), h.username(), h.phone()}) {
                    if (handle != null) {
                        keys.add(Refs.chatKey(h.chatType(), handle));
                    }
                }
            }
            return new Refs(c.responsibleUserId(), keys, List.of());
        }
        if (payload instanceof WzDeal d) {
            return new Refs(d.responsibleUserId(), List.of(), d.contacts());
        }
        return null;
    }


    /** Wazzup rejected the batch: set aside the items it named, or bisect to find them. */
    private void rejected(EntityType type, List<Ready> batch, WazzupException e, long now) {
        List<ItemError> items = e instanceof InvalidDataException ide ? ide.itemErrors() : List.of();
        if (!items.isEmpty()) {
            Set<String> named = new HashSet<>();
            for (ItemError item : items) {
                Ready r = item.id() != null ? byId(batch, item.id())
                        : item.index() >= 0 && item.index() < batch.size() ? batch.get(item.index()) : null;
                if (r != null && named.add(r.row().id())) {
                    deadLetter(r.row(), e.errorCode(), describe(e), item.fields(), now);
                }
            }
            if (!named.isEmpty()) {
                List<Ready> rest = batch.stream().filter(r -> !named.contains(r.row().id())).toList();
                send(type, rest, now);
                return;
            }
        }
        if (batch.size() == 1) {
            List<String> fields = e instanceof InvalidDataException ide ? ide.fields() : List.of();
            deadLetter(batch.get(0).row(), e.errorCode(), describe(e), fields, now);
            return;
        }
        int half = batch.size() / 2;
        send(type, batch.subList(0, half), now);
        send(type, batch.subList(half, batch.size()), now);
    }

    private static Ready byId(List<Ready> batch, String id) {
        return batch.stream().filter(r -> r.row().id().equals(id)).findFirst().orElse(null);
    }

    private void deadLetter(OutboxRow row, String code, String reason, List<String> fields, long now) {
        deadLetters.incrementAndGet();
        LOG.warn("Wazzup sync: {} {} set aside: {} {}", row.type(), row.id(), code, fields);
        store.putDeadLetter(new DeadLetter(row.type(), row.id(), code == null ? "REJECTED" : code, reason, fields,
                Instant.ofEpochMilli(now), row.attempts() + 1));
        complete(List.of(row));
    }

    private static String describe(WazzupException e) {
        String d = e.description();
        return "Wazzup answered " + e.status() + (e.errorCode() == null ? "" : " " + e.errorCode())
                + (d == null || d.isBlank() ? "" : ": " + d);
    }

    /** Deletes from Wazzup what the CRM deleted, 100 per request. */
    private void delete(EntityType type, List<OutboxRow> rows, long now) {
        if (rows.isEmpty()) {
            return;
        }
        settle();
        Map<String, String> held = store.hashes(type, rows.stream().map(OutboxRow::id).toList());
        List<OutboxRow> known = rows.stream().filter(r -> held.containsKey(r.id())).toList();
        complete(rows.stream().filter(r -> !held.containsKey(r.id())).toList());
        if (known.isEmpty()) {
            return;
        }
        List<String> ids = known.stream().map(OutboxRow::id).toList();
        try {
            switch (type) {
                case USER -> client.users().bulkDelete(ids);
                case CONTACT -> client.contacts().bulkDelete(ids);
                case DEAL -> client.deals().bulkDelete(ids);
                default -> throw new IllegalStateException(type.name());
            }
        } catch (UnauthorizedException | ForbiddenException | UnavailableException | RateLimitedException e) {
            unavailable(type, known, e, now);
            throw new Abort();
        } catch (WazzupException e) {
            for (OutboxRow r : known) {
                deadLetter(r, e.errorCode(), "delete refused: " + describe(e), List.of(), now);
            }
            return;
        }
        store.removeHashes(type, ids);
        complete(known);
        store.removeDeadLetters(type, ids);
        succeeded(type);
    }

    /** Pipelines are one set: any change uploads the whole set, when it differs from what Wazzup holds. */
    private long pipelines(CrmDirectory dir, long now) {
        List<OutboxRow> rows = store.due(EntityType.PIPELINE, now, "", PAGE);
        if (rows.isEmpty()) {
            return Long.MAX_VALUE;
        }
        settle();
        markInFlight(rows);
        List<WzPipeline> set;
        try {
            set = payloads.pipelines(dir.pipelines());
        } catch (RuntimeException e) {
            String why = "the CRM directory failed: " + e.getClass().getSimpleName();
            failed(EntityType.PIPELINE, why);
            store.postpone(rows, now + pauseFor(1).toMillis(), why, true);
            return Long.MAX_VALUE;
        }
        String hash = Payloads.hash(set);
        if (hash.equals(store.hashes(EntityType.PIPELINE, List.of(ALL_PIPELINES)).get(ALL_PIPELINES))) {
            complete(rows);
            return Long.MAX_VALUE;
        }
        try {
            client.pipelines().upload(set);
        } catch (UnauthorizedException | ForbiddenException | UnavailableException | RateLimitedException e) {
            unavailable(EntityType.PIPELINE, rows, e, now);
            throw new Abort();
        } catch (WazzupException e) {
            List<String> fields = e instanceof InvalidDataException ide ? ide.fields() : List.of();
            rows.forEach(r -> deadLetter(r, e.errorCode(), describe(e), fields, now));
            return Long.MAX_VALUE;
        }
        store.putHashes(EntityType.PIPELINE, Map.of(ALL_PIPELINES, hash), now);
        complete(rows);
        store.removeDeadLetters(EntityType.PIPELINE, List.of(ALL_PIPELINES));
        succeeded(EntityType.PIPELINE);
        return Long.MAX_VALUE;
    }

    /** Wazzup could not take requests: everyone waits, longer after each failure in a row. */
    private void unavailable(EntityType type, List<OutboxRow> rows, WazzupException e, long now) {
        failures++;
        Duration pause = e instanceof UnauthorizedException || e instanceof ForbiddenException
                ? settings.retryMaxDelay() : pauseFor(failures);
        pausedUntil = now + pause.toMillis();
        String why = e instanceof UnauthorizedException ? "Wazzup refused the API key (401): check the key"
                : e instanceof ForbiddenException ? "Wazzup does not allow this key to sync (403): a sidecar key?"
                : "Wazzup is unavailable: " + e.getMessage();
        failed(type, why);
        problem(why + "; retrying in " + pause.toSeconds() + " s");
        LOG.warn("Wazzup sync: {}; {} changes of {} wait, retry in {} s", why, rows.size(), type, pause.toSeconds());
        store.postpone(rows, pausedUntil, why, true);
    }

    private Duration pauseFor(int failuresInARow) {
        long ms = FIRST_PAUSE.toMillis() << Math.min(failuresInARow - 1, 20);
        return Duration.ofMillis(Math.min(ms, settings.retryMaxDelay().toMillis()));
    }

    private void succeeded(EntityType type) {
        failures = 0;
        lastSuccess.put(type, clock.instant());
        lastError.remove(type);
        lastErrorAt.remove(type);
    }

    private void failed(EntityType type, String why) {
        lastError.put(type, why);
        lastErrorAt.put(type, clock.instant());
    }

    private void problem(String text) {
        problem = text;
    }

    // ------------------------------------------------------------------ reconciliation

    /** Compares the CRM with Wazzup and queues every difference. */
    void reconcile() {
        settle();
        CrmDirectory dir = directory.get();
        if (dir == null || client == null) {
            return;
        }
        long t0 = System.nanoTime();
        long now = clock.millis();
        int queued = 0;
        try {
            for (EntityType type : types) {
                queued += reconcile(type, dir, now);
            }
        } catch (WazzupException e) {
            if (!running) {
                LOG.debug("Wazzup sync: reconciliation stopped with the engine; the next engine does it");
                return;
            }
            LOG.warn("Wazzup sync: reconciliation stopped: {}", e.getMessage());
            problem("reconciliation failed: " + e.getMessage());
            return;
        } catch (RuntimeException e) {
            LOG.warn("Wazzup sync: reconciliation stopped: the CRM directory failed", e);
            return;
        }
        store.meta("reconcile.last", Long.toString(now));
        store.meta(RECONCILE_REQUESTED, null);
        LOG.info("Wazzup sync: reconciliation queued {} differences in {} ms", queued, (System.nanoTime() - t0) / 1_000_000);
    }

    private int reconcile(EntityType type, CrmDirectory dir, long now) {
        if (type == EntityType.PIPELINE) {
            String wazzup = Payloads.hash(client.pipelines().list().stream()
                    .sorted(java.util.Comparator.comparing(WzPipeline::id)).toList());
            String crm = Payloads.hash(payloads.pipelines(dir.pipelines()));
            if (!wazzup.equals(crm)) {
                store.removeHashes(EntityType.PIPELINE, List.of(ALL_PIPELINES));
                store.enqueue(EntityType.PIPELINE, List.of(ALL_PIPELINES), OutboxRow.Op.SAVE, now);
                return 1;
            }
            store.putHashes(EntityType.PIPELINE, Map.of(ALL_PIPELINES, crm), now);
            return 0;
        }
        // what Wazzup holds: id → hash of its fields as listed
        Map<String, String> wazzup = new HashMap<>();
        switch (type) {
            case USER -> client.users().list().forEach(u -> wazzup.put(u.id(), Payloads.listedUserHash(u)));
            case CONTACT -> client.contacts().list().forEach(c -> wazzup.put(c.id(), Payloads.hash(c)));
            default -> client.deals().list().forEach(d -> wazzup.put(d.id(), Payloads.hash(d)));
        }
        Map<String, String> stored = new HashMap<>();
        for (String id : store.syncedIds(type)) {
            stored.put(id, null);
        }
        List<String> save = new ArrayList<>();
        Map<String, String> aligned = new HashMap<>();
        Map<String, Refs> alignedRefs = new HashMap<>();
        Set<String> inCrm = new HashSet<>();
        Function<Object, String> listedHash = type == EntityType.USER
                ? p -> Payloads.listedUserHash((WzUser) p) : Payloads::hash;
        String cursor = null;
        do {
            Page<?> page = switch (type) {
                case USER -> dir.users(cursor, PAGE);
                case CONTACT -> dir.contacts(cursor, PAGE);
                default -> dir.deals(cursor, PAGE);
            };
            for (Object entity : page.items()) {
                Object payload = switch (type) {
                    case USER -> payloads.user((CrmUser) entity);
                    case CONTACT -> payloads.contact((CrmContact) entity);
                    default -> payloads.deal((CrmDeal) entity);
                };
                if (payload == null) {
                    continue; // cannot be in Wazzup (a contact without chats)
                }
                String id = idOf(entity);
                inCrm.add(id);
                String there = wazzup.get(id);
                if (there == null || !there.equals(listedHash.apply(payload))) {
                    save.add(id);
                } else if (type == EntityType.USER && !stored.containsKey(id)) {
                    save.add(id); // the list omits phones: send once to be sure
                } else {
                    aligned.put(id, Payloads.hash(payload));
                    Refs r = refs(payload);
                    if (r != null) {
                        alignedRefs.put(id, r);
                    }
                }
            }
            cursor = page.nextCursor();
        } while (cursor != null);
        List<String> gone = new ArrayList<>();
        for (String id : wazzup.keySet()) {
            if (!inCrm.contains(id)) {
                gone.add(id);
            }
        }
        store.putHashes(type, aligned, now);
        store.putRefs(type, alignedRefs);
        store.removeHashes(type, save);
        store.enqueue(type, save, OutboxRow.Op.SAVE, now);
        if (settings.reconcileDeletes() && !gone.isEmpty()) {
            // the dispatcher deletes only what it knows Wazzup holds
            Map<String, String> marks = new HashMap<>();
            gone.forEach(id -> marks.put(id, "reconciled"));
            store.putHashes(type, marks, now);
            store.enqueue(type, gone, OutboxRow.Op.DELETE, now);
        } else {
            store.removeHashes(type, gone);
        }
        int diff = save.size() + (settings.reconcileDeletes() ? gone.size() : 0);
        if (diff > 0) {
            LOG.info("Wazzup sync: reconciliation found {} {} to send and {} to delete", save.size(), type,
                    settings.reconcileDeletes() ? gone.size() : 0);
        }
        return diff;
    }

    // ------------------------------------------------------------------ SyncStatus

    public Map<EntityType, EntityStatus> entities() {
        Map<EntityType, Long> pending = store.pendingCounts();
        Map<EntityType, Long> dead = store.deadCounts();
        Map<EntityType, Long> synced = store.syncedCounts();
        Map<EntityType, EntityStatus> out = new LinkedHashMap<>();
        for (EntityType t : types) {
            out.put(t, new EntityStatus(t, pending.getOrDefault(t, 0L), dead.getOrDefault(t, 0L),
                    synced.getOrDefault(t, 0L), lastSuccess.get(t), lastError.get(t), lastErrorAt.get(t)));
        }
        return out;
    }

    public boolean running() {
        return running && client != null && directory.get() != null;
    }

    public String problem() {
        return problem;
    }

    public boolean initialSyncComplete() {
        return initialComplete;
    }

    public List<DeadLetter> deadLetters() {
        return store.deadLetters();
    }

    public boolean retry(DeadLetter deadLetter) {
        int removed = store.removeDeadLetters(deadLetter.type(), List.of(deadLetter.entityId()));
        if (removed == 0) {
            return false;
        }
        record(deadLetter.type(), List.of(deadLetter.entityId()), OutboxRow.Op.SAVE);
        return true;
    }

    public void resyncAll() {
        store.meta(RECONCILE_REQUESTED, REQUESTED); // durable: survives the engine that was asked
        reconcileRequested = true;
        wake();
    }
}
