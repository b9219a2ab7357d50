package dev.crmbridge.wazzup.internal.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.UUID;

/** {@code POST /v3/message} (§10.2): not idempotent, so retried only under its duplicate guard. */
public final class MessagesApi {

    private final Requester requester;

    MessagesApi(Requester requester) {
        this.requester = requester;
    }

    /**
     * Sends a message. Without a {@code crmMessageId} one is generated, so that every retry carries
     * the same id and Wazzup's 60-second guard keeps the customer from getting it twice; a retry
     * answered {@code REPEATED_CRM_MESSAGE_ID} means an earlier attempt was accepted.
     */
    public SentMessage send(SendMessage message) {
        SendMessage m = message.crmMessageId() == null ? message.withCrmMessageId(UUID.randomUUID().toString()) : message;
        return requester.execute(new Requester.Call("POST /v3/message", "POST", "/v3/message", Json.bytes(m),
                Requester.Retry.DUPLICATE_GUARDED, true), r -> {
                    JsonNode n = r.body().length == 0 ? Json.mapper().createObjectNode() : Json.mapper().readTree(r.body());
                    return new SentMessage(n.path("messageId").asText(null), n.path("chatId").asText(m.chatId()),
                            m.crmMessageId(), false);
                }, () -> new SentMessage(null, null, m.crmMessageId(), true));
    }
}
