package dev.crmbridge.wazzup.internal.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crmbridge.wazzup.api.message.MessageButton;
import dev.crmbridge.wazzup.api.message.OutgoingMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** An {@link OutgoingMessage} as the queue stores it (JSON), and back. */
final class MessageCodec {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private MessageCodec() {
    }

    static String write(OutgoingMessage m, String id) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("id", id);
        put(n, "contactId", m.contactId());
        put(n, "chatType", m.chatType());
        put(n, "chatId", m.chatId());
        put(n, "phone", m.phone());
        put(n, "username", m.username());
        put(n, "channelId", m.channelId());
        put(n, "text", m.text());
        put(n, "contentUri", m.contentUri());
        put(n, "templateId", m.templateId());
        if (!m.templateValues().isEmpty()) {
            ArrayNode values = n.putArray("templateValues");
            m.templateValues().forEach(values::add);
        }
        if (!m.buttons().isEmpty()) {
            ArrayNode buttons = n.putArray("buttons");
            for (MessageButton b : m.buttons()) {
                ObjectNode o = buttons.addObject();
                put(o, "text", b.text());
                put(o, "type", b.type());
                put(o, "payload", b.payload());
                put(o, "url", b.url());
            }
        }
        put(n, "crmUserId", m.crmUserId());
        n.put("clearUnanswered", m.clearUnanswered());
        put(n, "refMessageId", m.refMessageId());
        return n.toString();
    }

    static OutgoingMessage read(String json) {
        JsonNode n;
        try {
            n = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        OutgoingMessage.Builder b;
        if (n.hasNonNull("contactId")) {
            b = OutgoingMessage.toContact(n.get("contactId").asText());
            if (n.hasNonNull("chatType")) {
                b.chatType(n.get("chatType").asText());
            }
        } else if (n.hasNonNull("chatId")) {
            b = OutgoingMessage.toChat(n.path("chatType").asText(), n.get("chatId").asText());
        } else if (n.hasNonNull("phone")) {
            b = OutgoingMessage.toPhone(n.path("chatType").asText(), n.get("phone").asText());
        } else {
            b = OutgoingMessage.toTelegramUser(n.path("username").asText());
        }
        b.id(text(n, "id")).channel(text(n, "channelId")).author(text(n, "crmUserId")).quoting(text(n, "refMessageId"))
                .clearUnanswered(n.path("clearUnanswered").asBoolean(false));
        if (n.hasNonNull("text")) {
            b.text(n.get("text").asText());
        }
        if (n.hasNonNull("contentUri")) {
            b.file(n.get("contentUri").asText());
        }
        if (n.hasNonNull("templateId")) {
            List<String> values = new ArrayList<>();
            n.path("templateValues").forEach(v -> values.add(v.asText()));
            b.template(n.get("templateId").asText(), values);
        }
        if (n.has("buttons")) {
            List<MessageButton> buttons = new ArrayList<>();
            n.get("buttons").forEach(o -> buttons.add(new MessageButton(o.path("text").asText(), text(o, "type"),
                    text(o, "payload"), text(o, "url"))));
            b.buttons(buttons);
        }
        return b.build();
    }

    private static void put(ObjectNode n, String field, String value) {
        if (value != null) {
            n.put(field, value);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
