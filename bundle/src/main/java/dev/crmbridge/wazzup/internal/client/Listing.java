package dev.crmbridge.wazzup.internal.client;

import java.util.List;

/**
 * Everything a list route gave. {@code complete} is false when paging stopped early because the server
 * sent ids it had already sent (it ignores {@code offset}: the same page again, with or without
 * {@code count}): the items are then the distinct ones read, and what is missing is unknown.
 */
public record Listing<T>(List<T> items, boolean complete) {

    public Listing {
        items = List.copyOf(items);
    }
}
