package dev.crmbridge.wazzup.internal.client;

import java.time.Duration;

/**
 * The request budget of one API key (§1.4 of the reference: 500 requests per 5 s, then 429). A
 * sliding window: at most {@code permits} requests start in any interval of {@code window} plus a
 * small margin, so whatever 5-second windows Wazzup counts in, our own load stays under its limit.
 * Callers reserve a start time under a lock and wait outside it, in order. A 429 caused by someone
 * else on the same key pauses every caller until the next window. Thread-safe.
 */
public final class RateLimiter {

    /** Slack added to the window for the network's jitter between our clock and Wazzup's. */
    static final Duration MARGIN = Duration.ofMillis(100);

    private final int permits;
    private final long windowNanos;
    private final TimeSource time;
    private final long[] starts; // ring of the start times of the last `permits` reservations
    private int next;
    private long count;
    /** The starts allowed per window now: {@code permits}, or fewer (this node's share of a cluster's budget). */
    private volatile int limit;
    private long pausedUntil = Long.MIN_VALUE;
    /** Interactive callers turned away since {@link #takeRefused()} last asked. */
    private long refused;

    public RateLimiter(int permits, Duration window, TimeSource time) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be at least 1");
        }
        this.permits = permits;
        this.windowNanos = window.plus(MARGIN).toNanos();
        this.time = time;
        this.starts = new long[permits];
        this.limit = permits;
    }

    /**
     * Allows only {@code starts} (1 to {@link #permits()}) requests per window from now on: this JVM's
     * share when several share the key's budget. Raising it again gives the full budget back.
     */
    public void limit(int starts) {
        this.limit = Math.max(1, Math.min(permits, starts));
    }

    /** The starts allowed per window now. */
    public int limit() {
        return limit;
    }

    /** Waits until one more request may start, then counts it. */
    public void acquire() throws InterruptedException {
        long wait = reserve();
        if (wait > 0) {
            time.sleep(Duration.ofNanos(wait));
        }
    }

    /**
     * Takes a start within {@code maxWait}, waiting for it, or none at all: an interactive caller that
     * would wait longer gives up at once and leaves the slot to others.
     *
     * @return whether a start was taken (the wait is over when it returns true)
     */
    public boolean tryAcquire(Duration maxWait) throws InterruptedException {
        long wait = reserveWithin(maxWait.toNanos());
        if (wait < 0) {
            synchronized (this) {
                refused++;
            }
            return false;
        }
        if (wait > 0) {
            time.sleep(Duration.ofNanos(wait));
        }
        return true;
    }

    /** Like {@link #reserve()}, but reserves nothing and answers -1 when the wait would exceed {@code maxWaitNanos}. */
    synchronized long reserveWithin(long maxWaitNanos) {
        long now = time.nanoTime();
        if (earliest(now) - now > maxWaitNanos) {
            return -1;
        }
        return reserve();
    }

    /** The start time of the {@code lim}-th latest reservation: the next may begin one window after it. */
    private long windowStart(int lim) {
        return starts[Math.floorMod(next - lim, permits)];
    }

    private long earliest(long now) {
        long at = now;
        int lim = limit;
        if (count >= lim) {
            at = Math.max(at, windowStart(lim) + windowNanos);
        }
        if (pausedUntil != Long.MIN_VALUE && pausedUntil - at > 0) {
            at = pausedUntil;
        }
        return at;
    }

    /** Reserves the next start time and answers how long to wait for it (0 for now). */
    synchronized long reserve() {
        long now = time.nanoTime();
        long at = now;
        int lim = limit;
        if (count >= lim) {
            at = Math.max(at, windowStart(lim) + windowNanos);
        }
        if (pausedUntil != Long.MIN_VALUE && pausedUntil - at > 0) {
            at = pausedUntil;
        }
        starts[next] = at;
        next = (next + 1) % permits;
        count++;
        return at - now;
    }

    /**
     * Wazzup answered 429 although we kept our budget: another system uses the key. Nobody starts a
     * request before a full window has passed.
     */
    public synchronized void pauseForWindow() {
        long until = time.nanoTime() + windowNanos;
        if (pausedUntil == Long.MIN_VALUE || until - pausedUntil > 0) {
            pausedUntil = until;
        }
    }

    /**
     * How many requests started, or are reserved to start, within the last window: the demand this
     * limiter meets now.
     */
    public synchronized int recentStarts() {
        long since = time.nanoTime() - windowNanos;
        int n = 0;
        int kept = (int) Math.min(count, permits);
        for (int i = 1; i <= kept; i++) {
            if (starts[Math.floorMod(next - i, permits)] - since > 0) {
                n++;
            }
        }
        return n;
    }

    /** How many callers {@link #tryAcquire} turned away since the last call of this method; counts anew. */
    public synchronized long takeRefused() {
        long r = refused;
        refused = 0;
        return r;
    }

    public int permits() {
        return permits;
    }

    /** The window, margin included. */
    public Duration window() {
        return Duration.ofNanos(windowNanos);
    }
}
