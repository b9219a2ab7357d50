package dev.crmbridge.wazzup.internal.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A virtual clock: {@link #sleep} moves time forward at once and is recorded. Thread-safe. */
final class VirtualTime implements TimeSource {

    private long now = 1_000_000_000L;
    private final List<Duration> sleeps = new ArrayList<>();

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized void sleep(Duration duration) {
        if (!duration.isNegative() && !duration.isZero()) {
            sleeps.add(duration);
            now += duration.toNanos();
        }
    }

    synchronized void advance(Duration d) {
        now += d.toNanos();
    }

    synchronized List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }

    synchronized Duration slept() {
        return sleeps.stream().reduce(Duration.ZERO, Duration::plus);
    }
}
