package dev.crmbridge.wazzup.api.spi;

import java.util.List;

/**
 * One page of a full listing. The connector asks for the next page with {@link #nextCursor()} until
 * it is {@code null}.
 *
 * @param <T> the entity type
 * @param items the entities of this page, in a stable order; never null
 * @param nextCursor an opaque token for the next page, or {@code null} when this is the last page
 * @since 1.0
 */
public record Page<T>(List<T> items, String nextCursor) {

    /**
     * Copies the list.
     */
    public Page {
        items = items == null ? List.of() : List.copyOf(items);
    }

    /**
     * A last page.
     *
     * @param <T> the entity type
     * @param items the entities
     * @return a page without a next cursor
     */
    public static <T> Page<T> last(List<T> items) {
        return new Page<>(items, null);
    }

    /**
     * The page of a list held in memory that starts at {@code cursor} (a decimal offset, {@code null}
     * for the start): a convenience for hosts whose entities fit in memory.
     *
     * @param <T> the entity type
     * @param all the whole list, in a stable order
     * @param cursor the cursor the connector passed, or {@code null}
     * @param limit the page size the connector asked for
     * @return the page
     * @throws IllegalArgumentException if the cursor is not one this method produced
     */
    public static <T> Page<T> of(List<T> all, String cursor, int limit) {
        int from;
        try {
            from = cursor == null ? 0 : Integer.parseInt(cursor);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a cursor of Page.of: " + cursor, e);
        }
        int to = Math.min(all.size(), from + Math.max(1, limit));
        return new Page<>(all.subList(Math.min(from, all.size()), to), to < all.size() ? Integer.toString(to) : null);
    }
}
