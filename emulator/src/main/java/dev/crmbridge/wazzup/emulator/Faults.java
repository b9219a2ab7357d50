package dev.crmbridge.wazzup.emulator;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fault injection: for a route key such as {@code "POST /v3/contacts"} (or {@code "*"} for every API
 * route), the next answers misbehave as scripted, in order. Thread-safe.
 */
public final class Faults {

    /** The route key that matches every API route. */
    public static final String ANY_ROUTE = "*";

    private final Map<String, Deque<Fault>> queued = new LinkedHashMap<>();
    private long outageUntilNanos;
    private int outageStatus;

    /**
     * An outage: every API route answers {@code status} (e.g. 503) for {@code duration} of real time,
     * starting now. Queued faults are not consumed meanwhile.
     */
    public synchronized Faults outage(java.time.Duration duration, int status) {
        outageUntilNanos = System.nanoTime() + duration.toNanos();
        outageStatus = status;
        return this;
    }

    /** The status of an outage in progress, or 0. */
    synchronized int outageStatus() {
        return outageStatus != 0 && System.nanoTime() - outageUntilNanos < 0 ? outageStatus : 0;
    }

    /** The next {@code times} answers of {@code routeKey} misbehave as {@code fault}. */
    public synchronized Faults next(String routeKey, int times, Fault fault) {
        Deque<Fault> queue = queued.computeIfAbsent(routeKey, k -> new ArrayDeque<>());
        for (int i = 0; i < times; i++) {
            queue.addLast(fault);
        }
        return this;
    }

    /** The next answer of {@code routeKey} misbehaves as {@code fault}. */
    public Faults next(String routeKey, Fault fault) {
        return next(routeKey, 1, fault);
    }

    /** Takes the fault for this answer, if one is queued. */
    synchronized Fault take(String routeKey) {
        Deque<Fault> queue = queued.get(routeKey);
        if (queue == null || queue.isEmpty()) {
            queue = queued.get(ANY_ROUTE);
        }
        return queue == null ? null : queue.pollFirst();
    }

    /** Faults still queued, by route key. */
    public synchronized Map<String, List<Fault>> pending() {
        Map<String, List<Fault>> out = new LinkedHashMap<>();
        queued.forEach((k, v) -> {
            if (!v.isEmpty()) {
                out.put(k, List.copyOf(v));
            }
        });
        return out;
    }

    public synchronized void clear() {
        queued.clear();
        outageStatus = 0;
    }
}
