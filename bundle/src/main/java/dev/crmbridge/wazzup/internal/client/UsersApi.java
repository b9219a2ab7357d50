package dev.crmbridge.wazzup.internal.client;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code /v3/users} (§2). The list comes in two documented shapes: a plain array of all users
 * (newest pages) or {@code {count, data}} pages of 100 (older pages); both are read.
 */
public final class UsersApi extends EntityApi<WzUser> {

    UsersApi(Requester requester) {
        super(requester, "/v3/users", WzUser.class, WzUser::id);
    }

    /** All users, in either shape. */
    @Override
    public Stream<WzUser> list() {
        return listing().items().stream();
    }

    /** All users, in either shape; a paged answer that repeats a page (offset ignored) stops there. */
    @Override
    public Listing<WzUser> listing() {
        JavaType listType = Json.mapper().getTypeFactory().constructCollectionType(List.class, WzUser.class);
        Map<String, WzUser> all = new LinkedHashMap<>();
        int offset = 0;
        while (true) {
            String path = offset == 0 ? "/v3/users" : "/v3/users?offset=" + offset;
            JsonNode node = requester.execute(new Requester.Call("GET /v3/users", "GET", path, null,
                    Requester.Retry.IDEMPOTENT, true), r -> Json.mapper().readTree(r.body()), null);
            if (node.isArray()) {
                add(all, Json.mapper().convertValue(node, listType));
                return new Listing<>(List.copyOf(all.values()), true);
            }
            List<WzUser> page = Json.mapper().convertValue(node.path("data"), listType);
            int before = all.size();
            add(all, page);
            if (page != null && !page.isEmpty() && all.size() == before && offset > 0) {
                requester.log().warn("GET /v3/users: the page at offset {} repeats users already listed (the server"
                        + " ignores offset); the listing stops at {} users", offset, all.size());
                return new Listing<>(List.copyOf(all.values()), false);
            }
            int count = node.path("count").asInt(-1);
            offset += page == null ? 0 : page.size();
            if (page == null || page.size() < Batches.MAX || (count >= 0 && offset >= count)) {
                return new Listing<>(List.copyOf(all.values()), true);
            }
        }
    }

    private static void add(Map<String, WzUser> all, List<WzUser> page) {
        if (page != null) {
            for (WzUser u : page) {
                if (u != null && u.id() != null) {
                    all.putIfAbsent(u.id(), u);
                }
            }
        }
    }
}
