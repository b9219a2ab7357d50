package dev.crmbridge.wazzup.internal.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;

/** {@code POST /v3/iframe} (§6): the URL of Wazzup's chat window for one CRM user; an interactive call. */
public final class ChatWindowApi {

    private final Requester requester;

    ChatWindowApi(Requester requester) {
        this.requester = requester;
    }

    /**
     * The chat window URL. Reads {@code {url}} (and, leniently, {@code {data: {url}}}). Only an absolute
     * {@code https:} URL is taken, or {@code http:} to the configured API host (the emulator): a page
     * never opens a {@code javascript:} or other link that came back from the network.
     */
    public URI open(ChatWindowRequest request) {
        return requester.interactive(new Requester.Call("POST /v3/iframe", "POST", "/v3/iframe", Json.bytes(request),
                Requester.Retry.IDEMPOTENT, true), r -> {
                    JsonNode node = Json.mapper().readTree(r.body());
                    JsonNode url = node == null ? null : node.has("url") ? node.get("url") : node.path("data").get("url");
                    if (url == null || !url.isTextual() || url.asText().isBlank()) {
                        throw new IOException("the answer has no url");
                    }
                    URI u = URI.create(url.asText().trim());
                    if (!safe(u, requester.baseUrl())) {
                        throw new IOException("the chat window's url is not https");
                    }
                    return u;
                });
    }

    static boolean safe(URI u, URI api) {
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!u.isAbsolute() || u.getHost() == null) {
            return false;
        }
        return scheme.equals("https") || scheme.equals("http") && "http".equalsIgnoreCase(api.getScheme())
                && u.getHost().equalsIgnoreCase(api.getHost());
    }
}
