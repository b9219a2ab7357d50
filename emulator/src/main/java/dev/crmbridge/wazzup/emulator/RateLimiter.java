package dev.crmbridge.wazzup.emulator;

import java.util.concurrent.ConcurrentHashMap;

/**
 * §1.4: at most N requests per window per API key; the count resets when the window has passed (a
 * window starts with the first request after the previous one ended).
 */
final class RateLimiter {

    private static final class Window {
        long start = Long.MIN_VALUE;
        int count;
    }

    private final EmulatorOptions options;
    private final java.time.Clock clock;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    RateLimiter(EmulatorOptions options, java.time.Clock clock) {
        this.options = options;
        this.clock = clock;
    }

    /** Counts a request of {@code key}; false when it is over the limit. */
    boolean tryAcquire(String key) {
        if (!options.rateLimitEnabled) {
            return true;
        }
        Window w = windows.computeIfAbsent(key, k -> new Window());
        long now = clock.millis();
        synchronized (w) {
            if (w.start == Long.MIN_VALUE || now - w.start >= options.rateLimitWindowMillis) {
                w.start = now;
                w.count = 0;
            }
            if (w.count >= options.rateLimitRequests) {
                return false;
            }
            w.count++;
            return true;
        }
    }

    void reset() {
        windows.clear();
    }
}
