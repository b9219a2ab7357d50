package dev.crmbridge.wazzup.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    @Test
    void noMoreThanTheBudgetStartsInAnyWindow() throws InterruptedException {
        VirtualTime time = new VirtualTime();
        RateLimiter limiter = new RateLimiter(3, Duration.ofSeconds(1), time);
        List<Long> starts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            limiter.acquire();
            starts.add(time.nanoTime());
        }
        long w = Duration.ofMillis(1100).toNanos();
        long t0 = starts.get(0);
        assertThat(starts).containsExactly(t0, t0, t0, t0 + w, t0 + w, t0 + w, t0 + 2 * w, t0 + 2 * w, t0 + 2 * w, t0 + 3 * w);
    }

    @Test
    void aLimitBelowTheBudgetAllowsOnlyThatManyStartsPerWindowAndRaisingItGivesTheBudgetBack() throws InterruptedException {
        VirtualTime time = new VirtualTime();
        RateLimiter limiter = new RateLimiter(10, Duration.ofSeconds(1), time);
        limiter.limit(2); // this node's share of a cluster's budget
        List<Long> starts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            limiter.acquire();
            starts.add(time.nanoTime());
        }
        long w = Duration.ofMillis(1100).toNanos();
        long t0 = starts.get(0);
        assertThat(starts).containsExactly(t0, t0, t0 + w, t0 + w, t0 + 2 * w);
        limiter.limit(10);
        assertThat(limiter.limit()).isEqualTo(10);
        for (int i = 0; i < 5; i++) {
            limiter.acquire();
        }
        assertThat(time.nanoTime()).as("five more at once: the full budget counts the five before").isEqualTo(t0 + 2 * w);
        limiter.limit(0);
        assertThat(limiter.limit()).as("never below one").isEqualTo(1);
        limiter.limit(99);
        assertThat(limiter.limit()).as("never above the budget").isEqualTo(10);
    }

    @Test
    void reservationsFromManyThreadsKeepTheBudget() throws InterruptedException {
        VirtualTime time = new VirtualTime();
        RateLimiter limiter = new RateLimiter(50, Duration.ofSeconds(5), time);
        List<Long> starts = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(8);
        long base = time.nanoTime();
        for (int t = 0; t < 8; t++) {
            new Thread(() -> {
                for (int i = 0; i < 50; i++) {
                    starts.add(base + limiter.reserve() + 0L);
                }
                done.countDown();
            }).start();
        }
        done.await();
        // reserve() answers the wait from a clock that did not move: start = base + wait
        List<Long> sorted = new ArrayList<>(starts);
        Collections.sort(sorted);
        long window = limiter.window().toNanos();
        for (int i = 50; i < sorted.size(); i++) {
            assertThat(sorted.get(i) - sorted.get(i - 50)).as("start %d vs %d", i, i - 50).isGreaterThanOrEqualTo(window);
        }
        assertThat(sorted.get(sorted.size() - 1) - base).isEqualTo(7 * window);
    }

    @Test
    void pauseHoldsEveryoneForAWindow() throws InterruptedException {
        VirtualTime time = new VirtualTime();
        RateLimiter limiter = new RateLimiter(100, Duration.ofSeconds(5), time);
        limiter.acquire();
        limiter.pauseForWindow();
        long before = time.nanoTime();
        limiter.acquire();
        assertThat(time.nanoTime() - before).isEqualTo(Duration.ofMillis(5100).toNanos());
    }

    @Test
    void oneLimiterPerKeySharedAndReplacedOnNewBudget() {
        RateLimiters registry = new RateLimiters(new VirtualTime());
        RateLimiter a = registry.forKey("key-1", 450, Duration.ofSeconds(5));
        assertThat(registry.forKey("key-1", 450, Duration.ofSeconds(5))).isSameAs(a);
        assertThat(registry.forKey("key-2", 450, Duration.ofSeconds(5))).isNotSameAs(a);
        assertThat(registry.forKey("key-1", 100, Duration.ofSeconds(5))).isNotSameAs(a);
    }
}
