package dev.crmbridge.wazzup.internal.client;

import java.time.Duration;

/** Time as the client sees it: a monotonic reading and a way to wait. Tests use a virtual one. */
public interface TimeSource {

    /** The real time: {@link System#nanoTime()} and {@link Thread#sleep(long, int)}. */
    TimeSource SYSTEM = new TimeSource() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleep(Duration duration) throws InterruptedException {
            if (!duration.isNegative() && !duration.isZero()) {
                Thread.sleep(duration.toMillis(), (int) (duration.toNanos() % 1_000_000));
            }
        }
    };

    /** A monotonic reading in nanoseconds, as {@link System#nanoTime()}. */
    long nanoTime();

    /** Waits this long (nothing for zero or negative). */
    void sleep(Duration duration) throws InterruptedException;
}
