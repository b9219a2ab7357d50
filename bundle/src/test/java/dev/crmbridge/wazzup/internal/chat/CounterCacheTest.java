package dev.crmbridge.wazzup.internal.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crmbridge.wazzup.api.chat.ChatWindowException;
import dev.crmbridge.wazzup.api.chat.Unanswered;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The per-user counter cache: TTL, single-flight, invalidation by new messages, stale values on failure. */
class CounterCacheTest {

    /** A clock the test moves by hand. */
    private static final class HandClock extends Clock {
        volatile long millis = 1_000_000L;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    private final HandClock clock = new HandClock();
    private final ConcurrentHashMap<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    private Function<String, Unanswered> counting(Function<String, Unanswered> answer) {
        return user -> {
            calls.computeIfAbsent(user, k -> new AtomicInteger()).incrementAndGet();
            return answer.apply(user);
        };
    }

    private Unanswered counter(int count) {
        return new Unanswered(count, count > 0 ? Unanswered.Colour.RED : Unanswered.Colour.NONE, null, clock.instant());
    }

    private int calls(String user) {
        AtomicInteger n = calls.get(user);
        return n == null ? 0 : n.get();
    }

    @Test
    void aValueIsReusedWithinItsTtlAndFetchedAgainAfter() {
        AtomicInteger count = new AtomicInteger(3);
        CounterCache cache = new CounterCache(counting(u -> counter(count.get())), Duration.ofSeconds(15),
                Duration.ofSeconds(5), clock, Runnable::run);
        assertThat(cache.get("u1").count()).isEqualTo(3);
        count.set(4);
        clock.millis += 14_999;
        assertThat(cache.get("u1").count()).isEqualTo(3);
        assertThat(calls("u1")).isEqualTo(1);
        clock.millis += 1;
        assertThat(cache.get("u1").count()).as("a stale value is answered while it is refreshed").isEqualTo(3);
        assertThat(calls("u1")).isEqualTo(2);
        assertThat(cache.get("u1").count()).isEqualTo(4);
        assertThat(calls("u1")).isEqualTo(2);
        assertThat(cache.get("u2").count()).as("users have their own values").isEqualTo(4);
        assertThat(calls("u2")).isEqualTo(1);
    }

    @Test
    void invalidationMakesEveryUserFetchAtTheirNextUse() {
        AtomicInteger count = new AtomicInteger(1);
        CounterCache cache = new CounterCache(counting(u -> counter(count.get())), Duration.ofHours(1),
                Duration.ofSeconds(5), clock, Runnable::run);
        cache.get("u1");
        cache.get("u2");
        count.set(2);
        cache.invalidateAll();
        assertThat(cache.get("u1").count()).as("stale, refreshed behind").isEqualTo(1);
        assertThat(cache.get("u2").count()).isEqualTo(1);
        assertThat(cache.get("u1").count()).isEqualTo(2);
        assertThat(cache.get("u2").count()).isEqualTo(2);
        assertThat(calls("u1")).isEqualTo(2);
        assertThat(calls("u2")).isEqualTo(2);
    }

    @Test
    void concurrentCallersForOneUserShareOneFetch() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CounterCache cache = new CounterCache(counting(u -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return counter(7);
        }), Duration.ofSeconds(15), Duration.ofSeconds(10), clock, Runnable::run);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Unanswered>> answers = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                answers.add(pool.submit(() -> cache.get("u1")));
            }
            // every caller is either the fetcher or waits for it; let the fetch finish
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (calls("u1") == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            release.countDown();
            for (Future<Unanswered> a : answers) {
                assertThat(a.get(10, TimeUnit.SECONDS).count()).isEqualTo(7);
            }
            assertThat(calls("u1")).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedFetchServesTheLastValueWithItsOldTimeAndFailsWhenThereIsNone() {
        AtomicBoolean down = new AtomicBoolean();
        CounterCache cache = new CounterCache(counting(u -> {
            if (down.get()) {
                throw new ChatWindowException(ChatWindowException.Reason.UNAVAILABLE, "Wazzup cannot be reached");
            }
            return counter(5);
        }), Duration.ofSeconds(15), Duration.ofSeconds(5), clock, Runnable::run);
        Unanswered first = cache.get("u1");
        down.set(true);
        clock.millis += 60_000;
        Unanswered stale = cache.get("u1");
        assertThat(stale.count()).isEqualTo(5);
        assertThat(stale.asOf()).as("the age shows").isEqualTo(first.asOf());
        assertThatThrownBy(() -> cache.get("u-new"))
                .isInstanceOfSatisfying(ChatWindowException.class,
                        e -> assertThat(e.reason()).isEqualTo(ChatWindowException.Reason.UNAVAILABLE));
        down.set(false);
        cache.get("u1");
        assertThat(calls("u1")).as("right after a failure Wazzup is not asked again").isEqualTo(2);
        clock.millis += CounterCache.RETRY_AFTER_FAILURE_MILLIS;
        cache.get("u1"); // answers the stale value and refreshes it
        assertThat(cache.get("u1").asOf()).isEqualTo(clock.instant());
    }

    @Test
    void aStaleValueIsAnsweredAtOnceWhileWazzupHangsAndEachUserHasOneRefreshAtATime() throws Exception {
        CountDownLatch hang = new CountDownLatch(1);
        AtomicBoolean slow = new AtomicBoolean();
        ExecutorService refresher = Executors.newFixedThreadPool(4);
        CounterCache cache = new CounterCache(counting(u -> {
            if (slow.get()) {
                try {
                    hang.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return counter(2);
        }), Duration.ofSeconds(15), Duration.ofSeconds(30), clock, refresher);
        try {
            cache.get("u1");
            slow.set(true);
            clock.millis += 60_000;
            for (int i = 0; i < 100; i++) {
                // each call returns although the refresh hangs: were it waited for, this loop would not end
                assertThat(cache.get("u1").count()).isEqualTo(2);
            }
            assertThat(hang.getCount()).as("the refresh is still hanging").isEqualTo(1);
            Unanswered answered = cache.get("u1");
            assertThat(cache.refreshing("u1", answered)).as("the page is told a newer value is coming").isTrue();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> calls("u1") == 2);
            for (int i = 0; i < 10; i++) {
                cache.get("u1");
            }
            assertThat(calls("u1")).as("the first fetch and one refresh, not one per call").isEqualTo(2);
        } finally {
            hang.countDown();
            refresher.shutdownNow();
        }
    }

    @Test
    void aFullRefreshQueueKeepsTheStaleValueAndTriesAgainLater() {
        AtomicInteger count = new AtomicInteger(1);
        AtomicBoolean full = new AtomicBoolean(true);
        CounterCache cache = new CounterCache(counting(u -> counter(count.get())), Duration.ofSeconds(15),
                Duration.ofSeconds(5), clock, task -> {
                    if (full.get()) {
                        throw new java.util.concurrent.RejectedExecutionException("full");
                    }
                    task.run();
                });
        cache.get("u1");
        count.set(9);
        clock.millis += 60_000;
        assertThat(cache.get("u1").count()).isEqualTo(1);
        full.set(false);
        assertThat(cache.get("u1").count()).isEqualTo(1);
        assertThat(cache.get("u1").count()).as("refreshed once the queue had room").isEqualTo(9);
        Unanswered fresh = cache.get("u1");
        assertThat(cache.refreshing("u1", fresh)).as("a fresh value: nothing coming").isFalse();
    }
}
