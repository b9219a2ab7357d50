package dev.crmbridge.wazzup.internal.webhook;

import dev.crmbridge.wazzup.internal.store.InboxRow;
import dev.crmbridge.wazzup.internal.store.SyncStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable inbox of webhook notifications. Request threads hand their notifications to one writer
 * thread that commits what arrived together in one transaction (group commit) and answers each
 * request once its notifications are on disk: only then does Wazzup get its 200. A worker thread
 * posts the events of stored notifications and marks them handled; handled ones are kept a week to
 * recognise Wazzup's repeats.
 */
final class Inbox implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Inbox.class);

    /** How long the notifications of handled webhooks are remembered, to drop Wazzup's repeats. */
    static final Duration DEDUP_WINDOW = Duration.ofDays(7);
    /** How long a request waits for its notifications to be stored before it fails with 503. */
    static final Duration STORE_TIMEOUT = Duration.ofSeconds(10);

    private record Pending(List<String[]> items, CompletableFuture<Integer> stored) {
    }

    /** Put in the queue to wake the writer when the inbox closes. */
    private static final Pending STOP = new Pending(List.of(), new CompletableFuture<>());

    private final SyncStore store;
    private final Supplier<EventAdmin> events;
    private final Notifications.OwnerLookup owners;
    private final Clock clock;
    private final List<Runnable> onMessage;
    private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(10_000);
    private final Object signal = new Object();
    private volatile boolean running = true;
    private final Thread writer;
    private final Thread worker;
    private boolean woken;
    private final java.util.concurrent.atomic.AtomicLong stored = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param onMessage run after events of new messages were posted (e.g. to refresh counters)
     */
    Inbox(SyncStore store, Supplier<EventAdmin> events, Notifications.OwnerLookup owners, Clock clock,
            List<Runnable> onMessage) {
        this.store = store;
        this.events = events;
        this.owners = cached(owners, clock);
        this.clock = clock;
        this.onMessage = List.copyOf(onMessage);
        this.writer = new Thread(this::writeLoop, "wazzup-inbox-writer");
        this.worker = new Thread(this::postLoop, "wazzup-inbox-events");
        writer.setDaemon(true);
        worker.setDaemon(true);
        writer.start();
        worker.start();
    }

    /**
     * Stores notifications durably; returns when they are committed. Answers how many were new
     * (repeats of stored ones are dropped).
     *
     * @throws IllegalStateException when they could not be stored in time (the caller answers 503)
     */
    int store(List<String[]> items) {
        if (items.isEmpty()) {
            return 0;
        }
        Pending p = new Pending(items, new CompletableFuture<>());
        try {
            if (!queue.offer(p, STORE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the inbox is overloaded");
            }
            return p.stored().get(STORE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException("the inbox could not store the notifications: " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the inbox did not store the notifications in time");
        }
    }

    private void writeLoop() {
        List<Pending> group = new ArrayList<>();
        while (running) {
            try {
                Pending first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null || first == STOP) {
                    continue;
                }
                group.add(first);
                queue.drainTo(group, 500);
                group.remove(STOP);
                List<String[]> all = new ArrayList<>();
                group.forEach(p -> all.addAll(p.items()));
                try {
                    int added = store.inboxAdd(all, clock.millis());
                    stored.addAndGet(added);
                    // a repeat in one group counts for the first request only; both get their 200
                    group.forEach(p -> p.stored().complete(added));
                    if (added > 0) {
                        wake();
                    }
                } catch (RuntimeException e) {
                    LOG.warn("Wazzup webhooks: could not store {} notifications: {}", all.size(), e.getMessage());
                    group.forEach(p -> p.stored().completeExceptionally(e));
                }
                group.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Chat owners change rarely (a contact's handles or responsible user): the event worker, the only
     * user, keeps the last 1,000 answers for 10 seconds.
     */
    private static Notifications.OwnerLookup cached(Notifications.OwnerLookup lookup, Clock clock) {
        record Entry(dev.crmbridge.wazzup.internal.store.SyncStore.ChatOwners owners, long at) {
        }
        java.util.Map<String, Entry> cache = new java.util.LinkedHashMap<>(256, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(java.util.Map.Entry<String, Entry> eldest) {
                return size() > 1_000;
            }
        };
        return (chatType, chatId) -> {
            String key = chatType + ":" + chatId;
            long now = clock.millis();
            Entry e = cache.get(key);
            if (e == null || now - e.at() > 10_000) {
                e = new Entry(lookup.of(chatType, chatId), now);
                cache.put(key, e);
            }
            return e.owners();
        };
    }

    void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    private void postLoop() {
        long nextPurge = 0;
        while (running) {
            try {
                long now = clock.millis();
                if (now >= nextPurge) {
                    store.inboxPurge(now - DEDUP_WINDOW.toMillis());
                    store.createdPurge(now - DEDUP_WINDOW.toMillis());
                    nextPurge = now + Duration.ofHours(1).toMillis();
                }
                EventAdmin admin = events.get();
                List<InboxRow> rows = admin == null ? List.of() : store.inboxPending(500);
                if (rows.isEmpty()) {
                    await(admin == null ? 2_000 : 5_000);
                    continue;
                }
                List<Long> done = new ArrayList<>();
                boolean messages = false;
                for (InboxRow r : rows) {
                    try {
                        Event e = Notifications.event(r.kind(), r.body(), owners);
                        admin.postEvent(e);
                        messages |= Notifications.MESSAGE.equals(r.kind());
                    } catch (java.io.IOException | RuntimeException e) {
                        // a stored notification that cannot become an event is dropped, not retried forever
                        LOG.warn("Wazzup webhooks: dropped a {} notification that could not become an event: {}",
                                r.kind(), e.getClass().getSimpleName());
                    }
                    done.add(r.seq());
                }
                store.inboxDone(done);
                if (messages) {
                    onMessage.forEach(Runnable::run);
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warn("Wazzup webhooks: event worker failed, retrying in 5 s: {}", e.getMessage());
                await(5_000);
            }
        }
    }

    private void await(long ms) {
        synchronized (signal) {
            try {
                if (!woken) {
                    signal.wait(ms);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            } finally {
                woken = false;
            }
        }
    }

    long pending() {
        return store.inboxPendingCount();
    }

    /** Notifications stored since start (repeats not counted). */
    long stored() {
        return stored.get();
    }

    @Override
    public void close() {
        running = false;
        wake();
        queue.offer(STOP);
        // no interrupt: one in the middle of a database write would make the embedded database close
        try {
            writer.join(5_000);
            worker.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Pending p; (p = queue.poll()) != null; ) {
            if (p != STOP) {
                p.stored().completeExceptionally(new IllegalStateException("the connector is stopping"));
            }
        }
    }
}
