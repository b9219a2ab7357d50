package dev.crmbridge.wazzup.internal.client;

import java.util.Arrays;
import java.util.List;

/** {@code GET /v3/channels} (§10.1). */
public final class ChannelsApi {

    private final Requester requester;

    ChannelsApi(Requester requester) {
        this.requester = requester;
    }

    public List<WzChannel> list() {
        return requester.execute(new Requester.Call("GET /v3/channels", "GET", "/v3/channels", null,
                Requester.Retry.IDEMPOTENT, true),
                r -> r.body().length == 0 ? List.of() : Arrays.asList(Json.mapper().readValue(r.body(), WzChannel[].class)),
                null);
    }
}
