package dev.crmbridge.wazzup.internal.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code GET|PATCH /v3/webhooks} (§8.1, §8.2). */
public final class WebhooksApi {

    private final Requester requester;

    WebhooksApi(Requester requester) {
        this.requester = requester;
    }

    /**
     * Sets the address and subscriptions. Wazzup first POSTs {@code {"test": true}} to the address;
     * unless it answers 200 this fails with an {@link InvalidDataException} whose code is
     * {@code testPostNotPassed} ({@code uriNotValid} for a malformed address). Any 2xx is success, whatever
     * the body (the docs show a non-JSON {@code { ok }}).
     */
    public void set(WebhookSettings settings) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("webhooksUri", settings.uri());
        ObjectNode s = body.putObject("subscriptions");
        s.put("messagesAndStatuses", settings.messagesAndStatuses());
        s.put("contactsAndDealsCreation", settings.contactsAndDealsCreation());
        s.put("channelsUpdates", settings.channelsUpdates());
        s.put("templateStatus", settings.templateStatus());
        requester.execute(new Requester.Call("PATCH /v3/webhooks", "PATCH", "/v3/webhooks", Json.bytes(body),
                Requester.Retry.IDEMPOTENT, true), r -> null, null);
    }

    /** The current settings. Flags may come as booleans or strings; the template flag under either name. */
    public WebhookSettings get() {
        return requester.execute(new Requester.Call("GET /v3/webhooks", "GET", "/v3/webhooks", null,
                Requester.Retry.IDEMPOTENT, true), r -> {
                    JsonNode n = r.body().length == 0 ? Json.mapper().createObjectNode() : Json.mapper().readTree(r.body());
                    JsonNode s = n.path("subscriptions");
                    String uri = n.hasNonNull("webhooksUri") && !n.get("webhooksUri").asText().isBlank()
                            ? n.get("webhooksUri").asText() : null;
                    return new WebhookSettings(uri, flag(s, "messagesAndStatuses"), flag(s, "contactsAndDealsCreation"),
                            flag(s, "channelsUpdates"),
                            flag(s, "templateStatus") || flag(s, "wabaTemplatesStatus") || flag(s, "tepmplateStatus"));
                }, null);
    }

    private static boolean flag(JsonNode subscriptions, String name) {
        JsonNode n = subscriptions.get(name);
        return n != null && (n.isBoolean() ? n.booleanValue() : "true".equalsIgnoreCase(n.asText().trim()));
    }
}
