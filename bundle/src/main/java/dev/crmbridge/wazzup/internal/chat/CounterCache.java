package dev.crmbridge.wazzup.internal.chat;

import dev.crmbridge.wazzup.api.chat.ChatWindowException;
import dev.crmbridge.wazzup.api.chat.Unanswered;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Unanswered counters per user: a value is reused for {@code ttl}; concurrent callers for one user
 * share one fetch (single-flight); {@link #invalidateAll()} (a customer wrote) makes the next call
 * fetch again. When a fetch fails the last value is served, marked by its old {@code asOf}.
 */
final class CounterCache {

    private static final class Entry {
        volatile Unanswered value;
        volatile long fetchedAt;
        volatile long generation;
        CompletableFuture<Unanswered> inFlight; // guarded by this
    }

    private final Function<String, Unanswered> fetch;
    private final long ttlMillis;
    private final Duration wait;
    private final Clock clock;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();

    /**
     * @param fetch asks Wazzup; throws {@link ChatWindowException} when it cannot
     * @param wait how long a caller waits for another caller's fetch
     */
    CounterCache(Function<String, Unanswered> fetch, Duration ttl, Duration wait, Clock clock) {
        this.fetch = fetch;
        this.ttlMillis = ttl.toMillis();
        this.wait = wait;
        this.clock = clock;
    }

    Unanswered get(String userId) {
        Entry e = entries.computeIfAbsent(userId, k -> new Entry());
        Unanswered v = fresh(e);
        if (v != null) {
            return v;
        }
        CompletableFuture<Unanswered> flight;
        boolean mine;
        synchronized (e) {
            v = fresh(e); // a fetch may have ended since the first look
            if (v != null) {
                return v;
            }
            mine = e.inFlight == null;
            if (mine) {
                e.inFlight = new CompletableFuture<>();
            }
            flight = e.inFlight;
        }
        if (mine) {
            long gen = generation.get();
            try {
                Unanswered fresh = fetch.apply(userId);
                e.value = fresh;
                e.fetchedAt = clock.millis();
                e.generation = gen;
                flight.complete(fresh);
            } catch (RuntimeException failure) {
                if (e.value != null) {
                    flight.complete(e.value); // stale beats nothing; asOf tells
                } else {
                    flight.completeExceptionally(failure);
                }
            } finally {
                synchronized (e) {
                    e.inFlight = null;
                }
            }
        }
        try {
            return flight.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException failed) {
            if (failed.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new ChatWindowException(ChatWindowException.Reason.UNAVAILABLE, "The counter could not be read");
        } catch (TimeoutException slow) {
            Unanswered last = e.value;
            if (last != null) {
                return last;
            }
            throw new ChatWindowException(ChatWindowException.Reason.UNAVAILABLE, "Wazzup is slow to answer; try again");
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new ChatWindowException(ChatWindowException.Reason.UNAVAILABLE, "Interrupted");
        }
    }

    private Unanswered fresh(Entry e) {
        Unanswered v = e.value;
        return v != null && e.generation == generation.get() && clock.millis() - e.fetchedAt < ttlMillis ? v : null;
    }

    /** Every cached value is refetched at its next use (new messages change counters). */
    void invalidateAll() {
        generation.incrementAndGet();
    }
}
