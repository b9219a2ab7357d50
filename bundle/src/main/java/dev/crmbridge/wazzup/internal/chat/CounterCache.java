package dev.crmbridge.wazzup.internal.chat;

import dev.crmbridge.wazzup.api.chat.ChatWindowException;
import dev.crmbridge.wazzup.api.chat.Unanswered;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Unanswered counters per user. A value is fresh for {@code ttl}; {@link #invalidateAll()} (a customer
 * wrote) makes every value stale. A stale value is answered at once while one refresh per user runs on
 * {@code refresher}, so a slow Wazzup never holds a caller that has something to show; the value's
 * {@code asOf} tells its age. Only a user without any value yet waits for a fetch: the first caller
 * makes it, the others share it (single-flight) for at most {@code wait}. A failed fetch leaves the last
 * value in place.
 */
final class CounterCache {

    private static final class Entry {
        volatile Unanswered value;
        volatile long fetchedAt;
        volatile long generation;
        volatile long failedAt = Long.MIN_VALUE / 2;
        CompletableFuture<Unanswered> inFlight; // guarded by this
        long inFlightSince; // System.nanoTime() when inFlight began; guarded by this
        long valueSince = Long.MIN_VALUE; // when the fetch that gave value began; guarded by this
        // the last flight that failed, and why: its joiners in fetchSince must not take its stale value as new
        volatile CompletableFuture<Unanswered> failedFlight;
        volatile ChatWindowException failure;
    }

    private final Function<String, Unanswered> fetch;
    private final long ttlMillis;
    private final Duration wait;
    private final Clock clock;
    private final Executor refresher;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private volatile dev.crmbridge.wazzup.internal.util.Metrics metrics = new dev.crmbridge.wazzup.internal.util.Metrics();

    /**
     * @param fetch asks Wazzup; throws {@link ChatWindowException} when it cannot
     * @param wait how long a caller without a value waits for another caller's fetch
     * @param refresher runs the background refreshes of stale values
     */
    CounterCache(Function<String, Unanswered> fetch, Duration ttl, Duration wait, Clock clock, Executor refresher) {
        this.fetch = fetch;
        this.ttlMillis = ttl.toMillis();
        this.wait = wait;
        this.clock = clock;
        this.refresher = refresher;
    }

    Unanswered get(String userId) {
        Entry e = entries.computeIfAbsent(userId, k -> new Entry());
        Unanswered last = e.value;
        if (last != null) {
            if (!fresh(e)) {
                refreshInBackground(userId, e);
            }
            return last;
        }
        CompletableFuture<Unanswered> flight;
        boolean mine;
        synchronized (e) {
            if (e.value != null) { // a fetch ended since the first look
                return e.value;
            }
            mine = e.inFlight == null;
            if (mine) {
                e.inFlight = new CompletableFuture<>();
                e.inFlightSince = System.nanoTime();
            }
            flight = e.inFlight;
        }
        if (mine) {
            run(userId, e, flight);
        }
        return await(flight, "Wazzup is slow to answer; try again");
    }

    /** The flight's value within {@code wait}; its failure, a timeout or an interrupt as the caller's exception. */
    private Unanswered await(CompletableFuture<Unanswered> flight, String slow) {
        try {
            return flight.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException failed) {
            if (failed.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new ChatWindowException(ChatWindowException.Reason.UNAVAILABLE, "The counter could not be read");
        } catch (TimeoutException timedOut) {
            throw new ChatWindowException(ChatWindowException.Reason.UNAVAILABLE, slow);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new ChatWindowException(ChatWindowException.Reason.UNAVAILABLE, "Interrupted");
        }
    }

    /** Starts the user's refresh unless one runs already. */
    private void refreshInBackground(String userId, Entry e) {
        CompletableFuture<Unanswered> flight;
        synchronized (e) {
            if (e.inFlight != null) {
                return;
            }
            flight = new CompletableFuture<>();
            e.inFlight = flight;
            e.inFlightSince = System.nanoTime();
        }
        try {
            refresher.execute(() -> run(userId, e, flight));
        } catch (RejectedExecutionException full) {
            synchronized (e) {
                if (e.inFlight == flight) {
                    e.inFlight = null; // the next caller tries again; the stale value stays meanwhile
                }
            }
            e.failure = new ChatWindowException(ChatWindowException.Reason.BUSY, "Too many counters being read");
            e.failedFlight = flight;
            flight.complete(e.value);
        }
    }

    /** Where the fetches are counted (JMX). */
    void counting(dev.crmbridge.wazzup.internal.util.Metrics metrics) {
        this.metrics = metrics;
    }

    /** Fetches for the flight; answers whether Wazzup answered. */
    private boolean run(String userId, Entry e, CompletableFuture<Unanswered> flight) {
        long gen = generation.get();
        long since;
        synchronized (e) {
            since = e.inFlight == flight ? e.inFlightSince : System.nanoTime();
        }
        try {
            metrics.counterFetches.add();
            Unanswered fresh = fetch.apply(userId);
            synchronized (e) {
                if (since - e.valueSince >= 0 || e.value == null) { // an older fetch never overwrites a newer one
                    e.value = fresh;
                    e.valueSince = since;
                    e.fetchedAt = clock.millis();
                    e.generation = gen;
                }
            }
            flight.complete(fresh);
            return true;
        } catch (RuntimeException failure) {
            e.failedAt = clock.millis(); // not asked again at once: pages keep the last value a while
            e.failure = failure instanceof ChatWindowException c ? c
                    : new ChatWindowException(ChatWindowException.Reason.UNAVAILABLE, "The counter could not be read");
            e.failedFlight = flight; // before the flight completes: its joiners see it
            if (e.value != null) {
                flight.complete(e.value); // stale beats nothing; asOf tells
            } else {
                flight.completeExceptionally(failure);
            }
            return false;
        } finally {
            synchronized (e) {
                if (e.inFlight == flight) {
                    e.inFlight = null;
                }
            }
        }
    }

    /**
     * Wazzup's value as of a fetch that began at or after {@code sinceNanos} ({@link System#nanoTime()}), on
     * the caller's thread: a fetch under way that began late enough is joined (single-flight), else a new
     * one is made. For the live counter, which must not show a value from before the message that asked.
     *
     * @throws ChatWindowException when Wazzup cannot be asked (the last value stays cached)
     */
    Unanswered fetchSince(String userId, long sinceNanos) {
        Entry e = entries.computeIfAbsent(userId, k -> new Entry());
        CompletableFuture<Unanswered> flight;
        boolean mine;
        synchronized (e) {
            mine = e.inFlight == null || e.inFlightSince - sinceNanos < 0;
            if (mine) {
                e.inFlight = new CompletableFuture<>();
                e.inFlightSince = System.nanoTime();
            }
            flight = e.inFlight;
        }
        if (mine) {
            run(userId, e, flight);
        }
        Unanswered value = await(flight, "Wazzup is slow to answer");
        if (e.failedFlight == flight) { // the value is the last one cached, not Wazzup's answer
            ChatWindowException why = e.failure;
            throw why != null ? why : new ChatWindowException(ChatWindowException.Reason.UNAVAILABLE,
                    "The counter could not be read");
        }
        return value;
    }

    /** Whether the user has a value that is fresh. */
    boolean fresh(String userId) {
        Entry e = entries.get(userId);
        return e != null && e.value != null && fresh(e);
    }

    /** The user's cached value, without asking Wazzup; null when none. */
    Unanswered peek(String userId) {
        Entry e = entries.get(userId);
        return e == null ? null : e.value;
    }

    private boolean fresh(Entry e) {
        long now = clock.millis();
        return now - e.failedAt < RETRY_AFTER_FAILURE_MILLIS
                || e.generation == generation.get() && now - e.fetchedAt < ttlMillis;
    }

    /** After a failed fetch, the user's last value is served this long before Wazzup is asked again. */
    static final long RETRY_AFTER_FAILURE_MILLIS = 5_000;

    /**
     * Whether {@code answered}, the value just given for this user, is being replaced: a fetch is under
     * way, or one has ended with a newer value since (the page may ask once more shortly).
     */
    boolean refreshing(String userId, Unanswered answered) {
        Entry e = entries.get(userId);
        if (e == null) {
            return false;
        }
        synchronized (e) {
            return e.inFlight != null || e.value != answered;
        }
    }

    /** Every cached value becomes stale: its next use answers it and refreshes it (new messages change counters). */
    void invalidateAll() {
        generation.incrementAndGet();
    }
}
