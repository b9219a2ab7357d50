package dev.crmbridge.wazzup.internal.util;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts of what the connector did, for JMX and health checks: each a total since start and the count of
 * the last minute. Thread-safe; counting costs an addition and, once a second, a bucket's reset.
 */
public final class Metrics {

    /** Requests sent to Wazzup (answered or not). */
    public final Counter requests = new Counter();
    /** Requests Wazzup answered 429. */
    public final Counter tooMany = new Counter();
    /** Webhook deliveries received. */
    public final Counter webhooksReceived = new Counter();
    /** Webhook deliveries refused (401, 400, 408, 413, 503 …). */
    public final Counter webhooksRefused = new Counter();
    /** Unanswered-counter requests to Wazzup. */
    public final Counter counterFetches = new Counter();

    /** A total and a rolling minute in one-second buckets. */
    public static final class Counter {
        private final LongAdder total = new LongAdder();
        private final long[] counts = new long[60];
        private final long[] seconds = new long[60];

        public void add() {
            total.increment();
            long now = System.currentTimeMillis() / 1000;
            int i = (int) (now % 60);
            synchronized (this) {
                if (seconds[i] != now) {
                    seconds[i] = now;
                    counts[i] = 0;
                }
                counts[i]++;
            }
        }

        /** Since the connector started. */
        public long total() {
            return total.sum();
        }

        /** In the last 60 seconds. */
        public synchronized long lastMinute() {
            long now = System.currentTimeMillis() / 1000;
            long sum = 0;
            for (int i = 0; i < 60; i++) {
                if (now - seconds[i] < 60) {
                    sum += counts[i];
                }
            }
            return sum;
        }
    }
}
