package dev.crmbridge.wazzup.internal.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * {@code POST /v3/connect/} (WAuth, §9): confirms a marketplace installation with the {@code state}
 * Wazzup signed and the integration's {@code secret}, and returns the account's API key. Needs no API
 * key. The answer's shape is unconfirmed: the key is read from {@code apiKey}, {@code api_key},
 * {@code key}, {@code token} or {@code accessToken}, at the top level or under {@code data}.
 */
public final class ConnectApi {

    private static final String[] KEY_FIELDS = {"apiKey", "api_key", "key", "token", "accessToken", "access_token"};

    private final Requester requester;

    ConnectApi(Requester requester) {
        this.requester = requester;
    }

    /**
     * @param crmKey the key Wazzup is to send as {@code Authorization: Bearer} on webhooks, or null
     * @return the account's API key (a secret)
     */
    public String connect(String state, String secret, String crmKey) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("state", state);
        body.put("secret", secret);
        if (crmKey != null) {
            body.put("crmKey", crmKey);
        }
        // single-use state: repeated only if the request never left
        return requester.execute(new Requester.Call("POST /v3/connect", "POST", "/v3/connect/", Json.bytes(body),
                Requester.Retry.ONLY_IF_NOT_SENT, false), r -> {
                    JsonNode n = r.body().length == 0 ? null : Json.mapper().readTree(r.body());
                    String key = n == null ? null : find(n);
                    if (key == null && n != null && n.has("data")) {
                        key = find(n.get("data"));
                    }
                    if (key == null) {
                        // never quote the body: it may hold the key under a name we do not know
                        throw new IOException("the answer carries no API key under a known name");
                    }
                    return key;
                }, null);
    }

    private static String find(JsonNode node) {
        if (node.isTextual() && !node.asText().isBlank()) {
            return node.asText();
        }
        for (String f : KEY_FIELDS) {
            JsonNode v = node.get(f);
            if (v != null && v.isTextual() && !v.asText().isBlank()) {
                return v.asText();
            }
        }
        return null;
    }
}
