package dev.crmbridge.wazzup.internal.client;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
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
        JavaType listType = Json.mapper().getTypeFactory().constructCollectionType(List.class, WzUser.class);
        List<WzUser> all = new ArrayList<>();
        int offset = 0;
        while (true) {
            String path = offset == 0 ? "/v3/users" : "/v3/users?offset=" + offset;
            JsonNode node = requester.execute(new Requester.Call("GET /v3/users", "GET", path, null,
                    Requester.Retry.IDEMPOTENT, true), r -> Json.mapper().readTree(r.body()), null);
            if (node.isArray()) {
                all.addAll(Json.mapper().convertValue(node, listType));
                return all.stream();
            }
            List<WzUser> page = Json.mapper().convertValue(node.path("data"), listType);
            all.addAll(page == null ? List.of() : page);
            int count = node.path("count").asInt(-1);
            offset += page == null ? 0 : page.size();
            if (page == null || page.size() < Batches.MAX || (count >= 0 && offset >= count)) {
                return all.stream();
            }
        }
    }
}
