package dev.crmbridge.wazzup.internal.client;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The routes contacts and deals share (§3, §4): upsert in batches, list by {@code offset} pages,
 * get, delete, bulk delete. Users use the upsert and delete parts.
 */
abstract class EntityApi<T> {

    final Requester requester;
    private final String base;
    private final Class<T> type;
    private final Function<T, String> id;

    EntityApi(Requester requester, String base, Class<T> type, Function<T, String> id) {
        this.requester = requester;
        this.base = base;
        this.type = type;
        this.id = id;
    }

    /**
     * Creates or updates the entities, matched by id: duplicates merged (last wins), sent in requests
     * of at most 100, in order. Not atomic across requests: when one fails, the ones before were
     * accepted. An {@link InvalidDataException} names items by their index in the de-duplicated list
     * and by id.
     */
    public void upsert(List<T> entities) {
        List<T> unique = Batches.dedupe(entities, id);
        List<String> ids = unique.stream().map(id).toList();
        int offset = 0;
        for (List<T> chunk : Batches.chunks(unique)) {
            try {
                requester.execute(new Requester.Call("POST " + base, "POST", base, Json.bytes(chunk),
                        Requester.Retry.IDEMPOTENT, true), r -> null, null);
            } catch (InvalidDataException e) {
                throw e.shifted(offset, ids);
            }
            offset += chunk.size();
        }
    }

    /** The entity, or empty when Wazzup does not know it. */
    public Optional<T> get(String entityId) {
        try {
            return Optional.ofNullable(requester.execute(new Requester.Call("GET " + base + "/{id}", "GET",
                    base + "/" + segment(entityId), null, Requester.Retry.IDEMPOTENT, true),
                    r -> Json.mapper().readValue(r.body(), type), null));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /** Deletes one entity; false when Wazzup did not know it. */
    public boolean delete(String entityId) {
        try {
            requester.execute(new Requester.Call("DELETE " + base + "/{id}", "DELETE", base + "/" + segment(entityId),
                    null, Requester.Retry.IDEMPOTENT, true), r -> null, null);
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /**
     * Deletes many, 100 ids per request. Answers the ids Wazzup did not know (its answer is reported
     * to list them). Any 2xx is success: an empty body, a body that is not JSON or not an array of ids
     * counts as none unknown.
     */
    public List<String> bulkDelete(List<String> ids) {
        List<String> unknown = new ArrayList<>();
        for (List<String> chunk : Batches.chunks(Batches.dedupe(ids, Function.identity()))) {
            List<String> notFound = requester.execute(new Requester.Call("PATCH " + base + "/bulk_delete", "PATCH",
                    base + "/bulk_delete", Json.bytes(chunk), Requester.Retry.IDEMPOTENT, true), r -> unknownIds(r.body()),
                    null);
            unknown.addAll(notFound);
        }
        return unknown;
    }

    /** The ids in a bulk delete's answer: an array of strings; anything else lists none. */
    static List<String> unknownIds(byte[] body) {
        List<String> out = new ArrayList<>();
        try {
            JsonNode node = body.length == 0 ? null : Json.mapper().readTree(body);
            if (node != null && node.isArray()) {
                node.forEach(n -> {
                    if (n.isTextual() || n.isNumber()) {
                        out.add(n.asText());
                    }
                });
            }
        } catch (IOException e) {
            // "{ ok }" and the like: a 2xx is success, with nothing known about unknown ids
        }
        return out;
    }

    /**
     * All entities, fetched lazily page by page ({@code ?offset=0,100,…}) as the stream is consumed.
     * Stops at a page shorter than 100, when {@code count} rows were read, or at a page that repeats
     * ids already read (a server that ignores {@code offset}).
     */
    public Stream<T> list() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(new Pages(), Spliterator.ORDERED), false);
    }

    /** All entities, and whether the paging was sound ({@link Listing#complete()}). */
    public Listing<T> listing() {
        Pages pages = new Pages();
        List<T> all = new ArrayList<>();
        pages.forEachRemaining(all::add);
        return new Listing<>(all, !pages.repeated);
    }

    /** Reads one page: {@code {count, data}}; a bare array is taken as the data. */
    Page<T> page(int offset) {
        JavaType listType = Json.mapper().getTypeFactory().constructCollectionType(List.class, type);
        return requester.execute(new Requester.Call("GET " + base, "GET", base + "?offset=" + offset, null,
                Requester.Retry.IDEMPOTENT, true), r -> {
                    JsonNode node = Json.mapper().readTree(r.body());
                    JsonNode data = node.isArray() ? node : node.path("data");
                    List<T> items = data.isArray() ? Json.mapper().convertValue(data, listType) : List.of();
                    int count = node.isObject() && node.has("count") ? node.get("count").asInt(-1) : -1;
                    return new Page<>(items, count);
                }, null);
    }

    record Page<T>(List<T> items, int count) {
    }

    private final class Pages implements Iterator<T> {
        private final Set<String> seen = new HashSet<>();
        private Iterator<T> current = java.util.Collections.emptyIterator();
        private int offset;
        private boolean last;
        private boolean repeated;

        @Override
        public boolean hasNext() {
            while (!current.hasNext() && !last) {
                Page<T> p = page(offset);
                offset += p.items().size();
                last = p.items().size() < Batches.MAX || (p.count() >= 0 && offset >= p.count());
                // an entity listed twice (one inserted before it while paging) is taken once; a page of
                // nothing new is the same page again
                List<T> fresh = new ArrayList<>(p.items().size());
                for (T item : p.items()) {
                    String key = item == null ? null : id.apply(item);
                    if (key != null && seen.add(key)) {
                        fresh.add(item);
                    }
                }
                if (fresh.isEmpty() && !p.items().isEmpty() && offset > p.items().size()) {
                    repeated = true;
                    last = true;
                    requester.log().warn("{}: the page at offset {} repeats entities already listed (the server ignores"
                            + " offset); the listing stops at {} entities", "GET " + base, offset - p.items().size(),
                            seen.size());
                }
                current = fresh.iterator();
            }
            return current.hasNext();
        }

        @Override
        public T next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return current.next();
        }
    }

    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static <R> R readOrNull(byte[] body, Class<R> type) throws IOException {
        return body.length == 0 ? null : Json.mapper().readValue(body, type);
    }
}
