package dev.crmbridge.wazzup.internal.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Batch rules of §1.5: at most 100 items per request, no id twice in one request. */
final class Batches {

    /** Items per request. */
    static final int MAX = 100;

    private Batches() {
    }

    /**
     * The items with duplicate ids merged, the last one winning, in the order of first appearance:
     * Wazzup answers 500 to a batch with one id twice.
     */
    static <T> List<T> dedupe(List<T> items, Function<T, String> id) {
        Map<String, T> byId = new LinkedHashMap<>();
        for (T item : items) {
            byId.put(id.apply(item), item);
        }
        return new ArrayList<>(byId.values());
    }

    /** Consecutive slices of at most {@link #MAX}. */
    static <T> List<List<T>> chunks(List<T> items) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i += MAX) {
            out.add(items.subList(i, Math.min(items.size(), i + MAX)));
        }
        return out;
    }
}
