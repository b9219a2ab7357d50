package dev.crmbridge.wazzup.internal.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How failed calls are retried: at most {@code maxAttempts} attempts in all; before attempt n+1 the
 * client waits {@code min(maxDelay, baseDelay * 2^(n-1))} scaled by a random factor in [0.5, 1]
 * ("equal jitter"), so that many clients do not retry in step.
 *
 * @param maxAttempts attempts in all, at least 1
 * @param baseDelay the wait before the second attempt (before jitter)
 * @param maxDelay the cap of one wait
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {

    /** The default: 8 attempts, 500 ms doubling up to 30 s (about 1 minute of retrying in all). */
    public static final RetryPolicy DEFAULT = new RetryPolicy(8, Duration.ofMillis(500), Duration.ofSeconds(30));

    /** No retries. */
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        Objects.requireNonNull(baseDelay, "baseDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (baseDelay.isNegative() || maxDelay.compareTo(baseDelay) < 0) {
            throw new IllegalArgumentException("need 0 <= baseDelay <= maxDelay");
        }
    }

    /**
     * The wait before attempt {@code attempt + 1}, after {@code attempt} failed ones.
     *
     * @param attempt the attempt that just failed, from 1
     * @param random a value in [0, 1)
     */
    public Duration backoff(int attempt, double random) {
        long base = baseDelay.toNanos();
        long capped = maxDelay.toNanos();
        long exp = attempt >= 62 ? capped : Math.min(capped, base << Math.min(attempt - 1, 40));
        if (exp < 0) {
            exp = capped;
        }
        return Duration.ofNanos((long) (exp * (0.5 + random / 2)));
    }
}
