package dev.crmbridge.wazzup.internal.webhook;

import dev.crmbridge.wazzup.internal.cluster.Leadership;
import dev.crmbridge.wazzup.internal.store.Fence;
import dev.crmbridge.wazzup.internal.store.GroupWriter;
import dev.crmbridge.wazzup.internal.store.InboxItem;
import dev.crmbridge.wazzup.internal.store.InboxRow;
import dev.crmbridge.wazzup.internal.store.RefsTable.ChatOwners;
import dev.crmbridge.wazzup.internal.store.Store;
import dev.crmbridge.wazzup.internal.util.Worker;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable inbox of webhook notifications. Request threads hand their notifications to the store's
 * group-commit writer and answer once they are on disk: only then does Wazzup get its 200. A worker
 * delivers the events of stored notifications in order, and a notification leaves the inbox only once
 * its event was delivered: at least once, de-duplicated by key (a crash between delivery and marking may
 * deliver one again). A delivery that fails (no EventAdmin, EventAdmin failing) keeps the notification
 * and is tried again after a pause; only what can never become an event is set aside, with the reason.
 */
final class Inbox implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Inbox.class);

    /** How long the keys of handled notifications are remembered, to drop Wazzup's repeats. */
    static final Duration DEDUP_WINDOW = Duration.ofDays(7);
    /** How long a request waits for its notifications to be stored before it fails with 503. */
    static final Duration STORE_TIMEOUT = Duration.ofSeconds(10);
    /** Notifications read per query, and marked delivered per commit at most. */
    static final int BATCH = 100;
    /** Notifications a node of a cluster claims at a time. */
    static final int CLAIM = 50;
    /** How often a node of a cluster looks for notifications other nodes stored. */
    static final Duration CLUSTER_POLL = Duration.ofMillis(500);
    /** How often a node of a cluster checks every claim of pending notifications (first at its start). */
    static final Duration FULL_SWEEP = Duration.ofMinutes(1);
    /** Delivered rows are marked at least this often while a batch is delivered. */
    private static final long MARK_EVERY_NANOS = 50_000_000L;

    private record Delivery(Store store, List<InboxItem> items, long now, AtomicLong added, String claim) {
    }

    private static final GroupWriter.Kind<Delivery> INBOX = new GroupWriter.Kind<>() {
        @Override
        public String what() {
            return "store webhook notifications";
        }

        @Override
        public void write(Connection c, List<Delivery> deliveries) throws SQLException {
            // one pass per store (a group holds one, or two during a handover)
            Map<Store, List<Delivery>> byStore = new IdentityHashMap<>();
            long now = 0;
            for (Delivery d : deliveries) {
                byStore.computeIfAbsent(d.store(), s -> new ArrayList<>()).add(d);
                now = Math.max(now, d.now());
            }
            for (Map.Entry<Store, List<Delivery>> e : byStore.entrySet()) {
                List<Delivery> ds = e.getValue();
                int[] added = e.getKey().inbox().addAll(c, ds.stream().map(Delivery::items).toList(), now,
                        ds.get(0).claim());
                for (int i = 0; i < added.length; i++) {
                    ds.get(i).added().set(added[i]);
                }
            }
        }
    };

    private final Leadership cluster;
    private final Store store;
    private final GroupWriter writer;
    private final Fence fence;
    private final Supplier<EventAdmin> events;
    private final NotificationEvents.OwnerLookup owners;
    private final Clock clock;
    private final List<Runnable> onMessage;
    private final Worker worker;
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private volatile String deliveryProblem;
    /** Adds what the connector knows to an event before it goes (a status of a message the CRM sent). */
    private volatile java.util.function.UnaryOperator<Event> enrich = e -> e;
    private int failures;
    private long nextPurge;
    /** When this node next looks for notifications no live node holds (a cluster), and at every claim. */
    private long nextSweep;
    private long nextFullSweep;
    /** In a cluster, the seq up to which this node's own claimed rows were read and handled (event worker only). */
    private long readUpTo;

    /**
     * @param store the account's store, fenced by {@code fence}
     * @param onMessage run after events of new messages were delivered (e.g. to refresh counters)
     */
    Inbox(Store store, GroupWriter writer, Fence fence, Supplier<EventAdmin> events, Clock clock, List<Runnable> onMessage) {
        this(store, writer, fence, events, clock, onMessage, Leadership.solo("this node"));
    }

    /**
     * @param cluster this node in the account's cluster: when clustered, the node claims what it takes in
     *     as it stores it, and the worker delivers only what this node claimed: that, and what no live node
     *     holds ({@code FOR UPDATE SKIP LOCKED}, looked for every {@link #CLUSTER_POLL}); each marked
     *     delivered at once, and none while its membership lapsed (another node may have taken them over)
     */
    Inbox(Store store, GroupWriter writer, Fence fence, Supplier<EventAdmin> events, Clock clock, List<Runnable> onMessage,
            Leadership cluster) {
        this.cluster = cluster;
        this.store = store;
        this.writer = writer;
        this.fence = fence;
        this.events = events;
        this.owners = cached(store, clock);
        this.clock = clock;
        this.onMessage = List.copyOf(onMessage);
        this.worker = new Worker("the webhook event worker", this::deliver, Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    /**
     * Starts delivering events. Notifications are stored from construction on; they are delivered from
     * here on, once the runtime this inbox belongs to starts (its predecessor has stopped delivering).
     */
    void start() {
        worker.start();
    }

    /** Stops delivering at once (a successor delivers what is left); {@link #close()} waits for the thread. */
    void stop() {
        worker.stop();
    }

    /**
     * Sets what adds the connector's knowledge to each event before it goes; it runs on the delivering
     * thread, and what it throws is the event's failure (tried again later).
     */
    public void enrich(java.util.function.UnaryOperator<Event> enrich) {
        this.enrich = enrich == null ? e -> e : enrich;
    }

    /**
     * Stores notifications durably (set-aside ones too); returns when they are committed. Answers how
     * many were new (Wazzup's repeats are dropped).
     *
     * @throws IllegalStateException when they could not be stored in time (the caller answers 503)
     */
    int store(List<InboxItem> items) {
        if (items.isEmpty()) {
            return 0;
        }
        AtomicLong added = new AtomicLong();
        CompletableFuture<Void> done = writer.submit(INBOX, new Delivery(store, items, clock.millis(), added,
                cluster.clustered() ? cluster.node() : null), fence);
        try {
            done.get(STORE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException("the inbox could not store the notifications: " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the inbox did not store the notifications in time");
        }
        stored.addAndGet(added.get());
        if (added.get() > 0) {
            worker.wake();
        }
        return (int) added.get();
    }

    /** One pass of the event worker: delivers what is due, in order. */
    private void deliver() {
        long now = clock.millis();
        if (now >= nextPurge) {
            store.inbox().purge(now - DEDUP_WINDOW.toMillis());
            store.creations().purge(now - DEDUP_WINDOW.toMillis());
            nextPurge = now + Duration.ofHours(1).toMillis();
        }
        EventAdmin admin = events.get();
        if (admin == null) {
            deliveryProblem = "no EventAdmin service: webhook events wait";
            worker.await(2_000);
            return;
        }
        boolean clustered = cluster.clustered();
        if (clustered && !cluster.member()) {
            deliveryProblem = "this node could not renew its place in the cluster: other nodes deliver webhook events";
            worker.await(1_000);
            return;
        }
        List<InboxRow> rows;
        long own = readUpTo;
        if (clustered) {
            // what this node took in, and now and then what no live node holds (a node that died)
            // between sweeps, past what an earlier pass delivered in full (this node's rows are committed in
            // the order of their seq: it alone inserts what it claims, one transaction after another)
            boolean sweep = now >= nextSweep;
            rows = new ArrayList<>(store.inbox().claimed(cluster.node(), sweep ? 0 : readUpTo, CLAIM, now));
            own = rows.isEmpty() ? readUpTo : rows.get(rows.size() - 1).seq();
            if (sweep) {
                nextSweep = now + CLUSTER_POLL.toMillis();
                // now and then every claim, for a node gone so long that the cluster's table forgot it
                boolean everyClaimer = now >= nextFullSweep;
                if (everyClaimer) {
                    nextFullSweep = now + FULL_SWEEP.toMillis();
                }
                rows.addAll(store.inbox().claim(cluster.node(), CLAIM, now, cluster.lease().toMillis(), everyClaimer));
                rows.sort(java.util.Comparator.comparingLong(InboxRow::seq));
            }
        } else {
            rows = store.inbox().pending(BATCH, now);
        }
        if (rows.isEmpty()) {
            deliveryProblem = null;
            long next = store.inbox().nextDueAfter(now);
            // in a cluster, notifications of a node that died wake no one here
            long idle = clustered ? CLUSTER_POLL.toMillis() : 5_000;
            worker.await(Math.min(idle, next == Long.MAX_VALUE ? idle : next - now));
            return;
        }
        List<Long> done = new ArrayList<>();
        boolean messages = false;
        long marked = System.nanoTime();
        try {
            for (InboxRow r : rows) {
                if (!fence.open() || clustered && !cluster.member()) {
                    // replaced, or cut off from the cluster: the successor or another node delivers the rest
                    // (what was delivered is marked below)
                    return;
                }
                Event event;
                try {
                    event = enrich.apply(NotificationEvents.event(r.key(), r.kind(), r.body(), owners));
                } catch (NotificationEvents.Undeliverable e) {
                    LOG.warn("Wazzup webhooks: a stored {} notification was set aside: {}", r.kind(), e.getMessage());
                    store.inbox().setAside(r.seq(), e.getMessage());
                    continue;
                }
                try {
                    // synchronous: the notification may leave the inbox only once every handler had its event
                    admin.sendEvent(event);
                } catch (RuntimeException e) {
                    failures++;
                    long pause = Math.min(30_000, 1_000L << Math.min(failures, 5));
                    String why = "EventAdmin failed to deliver: " + e.getClass().getSimpleName();
                    deliveryProblem = why + "; webhook events wait";
                    LOG.warn("Wazzup webhooks: {}; trying again in {} ms", why, pause);
                    store.inbox().later(r.seq(), now + pause, why);
                    worker.await(pause);
                    return;
                }
                failures = 0;
                done.add(r.seq());
                delivered.incrementAndGet();
                messages |= Notifications.MESSAGE.equals(r.kind());
                if (clustered || System.nanoTime() - marked > MARK_EVERY_NANOS) {
                    // in a cluster each one at once: should this node die now, another delivers at most this
                    // one again; alone, behind slow handlers, delivered rows leave every 50 ms
                    store.inbox().done(done);
                    done.clear();
                    marked = System.nanoTime();
                }
            }
        } finally {
            store.inbox().done(done);
        }
        readUpTo = Math.max(readUpTo, own); // every row read was delivered, set aside or postponed
        deliveryProblem = null;
        if (messages) {
            onMessage.forEach(Runnable::run);
        }
    }

    /**
     * Chat owners change rarely (a contact's handles or responsible user): the event worker, the only
     * user, keeps the last 1,000 answers for 10 seconds.
     */
    private static NotificationEvents.OwnerLookup cached(Store store, Clock clock) {
        record Entry(ChatOwners owners, long at) {
        }
        Map<String, Entry> cache = new LinkedHashMap<>(256, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > 1_000;
            }
        };
        return (chatType, handles) -> {
            String key = chatType + ":" + String.join("\u0000", handles);
            long now = clock.millis();
            Entry e = cache.get(key);
            if (e == null || now - e.at() > 10_000) {
                e = new Entry(store.refs().chatOwners(chatType, handles), now);
                cache.put(key, e);
            }
            return e.owners();
        };
    }

    /** Notifications not yet delivered. */
    long pending() {
        return store.inbox().count('P');
    }

    /** Notifications set aside (they can never become events). */
    long setAside() {
        return store.inbox().count('X');
    }

    /** Notifications stored since start (repeats not counted). */
    long stored() {
        return stored.get();
    }

    /** Why events wait, in words, or null. */
    String problem() {
        String p = worker.problem();
        return p != null ? p : deliveryProblem;
    }

    @Override
    public void close() {
        worker.stop();
        worker.join(Duration.ofSeconds(10)); // no interrupt: one in the middle of a database write closes H2
    }
}
