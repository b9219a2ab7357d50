package dev.crmbridge.wazzup.internal.client;

import dev.crmbridge.wazzup.internal.util.Digests;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link RateLimiter} per API key, shared by every client built with this registry. The plugin
 * uses {@link #SHARED}, so all its callers in the JVM draw on one budget per key. Keys are held only
 * as SHA-256 digests.
 */
public final class RateLimiters {

    /** Wazzup's documented limit (§1.4). */
    public static final int WAZZUP_LIMIT = 500;
    public static final Duration WAZZUP_WINDOW = Duration.ofSeconds(5);
    /** Our default budget: 10 % under the limit, for other traffic and clock drift. */
    public static final int DEFAULT_BUDGET = 450;
    /** The share of the budget, in percent, that the chat endpoints (windows, counters) may use at most. */
    public static final int DEFAULT_INTERACTIVE_SHARE = 20;

    /** The registry of the plugin bundle. */
    public static final RateLimiters SHARED = new RateLimiters(TimeSource.SYSTEM);

    private final TimeSource time;
    private final ConcurrentHashMap<String, RateLimiter> byKey = new ConcurrentHashMap<>();

    public RateLimiters(TimeSource time) {
        this.time = time;
    }

    /**
     * The limiter of this key, shared with every other caller of the key. A caller asking for another
     * budget or window (a configuration change) replaces it.
     */
    public RateLimiter forKey(String apiKey, int budget, Duration window) {
        Duration withMargin = window.plus(RateLimiter.MARGIN);
        return byKey.compute(digest(apiKey), (k, existing) ->
                existing != null && existing.permits() == budget && existing.window().equals(withMargin)
                        ? existing : new RateLimiter(budget, window, time));
    }

    /**
     * The limiter of one kind of this key's traffic ({@code purpose}, e.g. the chat endpoints' share),
     * apart from {@link #forKey}'s and shared with every other caller of the key and purpose.
     */
    public RateLimiter forKey(String apiKey, String purpose, int budget, Duration window) {
        Duration withMargin = window.plus(RateLimiter.MARGIN);
        return byKey.compute(digest(apiKey) + "/" + purpose, (k, existing) ->
                existing != null && existing.permits() == budget && existing.window().equals(withMargin)
                        ? existing : new RateLimiter(budget, window, time));
    }

    private static String digest(String key) {
        return Digests.sha256Hex(key);
    }
}
