package dev.crmbridge.wazzup.internal.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;

/** {@code POST /v3/iframe} (§6): the URL of Wazzup's chat window for one CRM user. */
public final class ChatWindowApi {

    private final Requester requester;

    ChatWindowApi(Requester requester) {
        this.requester = requester;
    }

    /** The chat window URL. Reads {@code {url}} (and, leniently, {@code {data: {url}}}). */
    public URI open(ChatWindowRequest request) {
        return requester.execute(new Requester.Call("POST /v3/iframe", "POST", "/v3/iframe", Json.bytes(request),
                Requester.Retry.IDEMPOTENT, true), r -> {
                    JsonNode node = Json.mapper().readTree(r.body());
                    JsonNode url = node == null ? null : node.has("url") ? node.get("url") : node.path("data").get("url");
                    if (url == null || !url.isTextual() || url.asText().isBlank()) {
                        throw new IOException("the answer has no url");
                    }
                    return URI.create(url.asText());
                }, null);
    }
}
