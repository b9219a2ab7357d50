package dev.crmbridge.wazzup.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Listings as the real Wazzup may show what was sent, with no change in meaning (option
 * {@code variedListings}): a Telegram handle sent by {@code username} gets a generated {@code chatId}
 * (see {@code response-contacts-list.CONSTRUCTED.json}), {@code contactData} comes in another order,
 * usernames in another case, ids that are digits as JSON numbers (§1.8: "deal docs say Number"),
 * {@code closed} as a string (§1.8: booleans may be strings), and the optional contact {@code uri} left out.
 */
final class Listings {

    private Listings() {
    }

    static JsonNode contacts(List<?> contacts) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (Object c : contacts) {
            ObjectNode n = Json.MAPPER.valueToTree(c);
            number(n, "id");
            number(n, "responsibleUserId");
            n.remove("uri");
            JsonNode data = n.get("contactData");
            if (data != null && data.isArray()) {
                List<JsonNode> handles = new ArrayList<>();
                data.forEach(handles::add);
                Collections.reverse(handles);
                ArrayNode varied = n.putArray("contactData");
                for (JsonNode h : handles) {
                    ObjectNode v = ((ObjectNode) h).deepCopy();
                    String username = text(v, "username");
                    if (username != null) {
                        v.put("username", username.toUpperCase(Locale.ROOT));
                        if (text(v, "chatId") == null) {
                            v.put("chatId", UUID.nameUUIDFromBytes(username.getBytes(StandardCharsets.UTF_8)).toString());
                        }
                    }
                    varied.add(v);
                }
            }
            out.add(n);
        }
        return out;
    }

    static JsonNode deals(List<?> deals) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (Object d : deals) {
            ObjectNode n = Json.MAPPER.valueToTree(d);
            number(n, "id");
            number(n, "responsibleUserId");
            JsonNode contacts = n.get("contacts");
            if (contacts != null && contacts.isArray()) {
                List<JsonNode> ids = new ArrayList<>();
                contacts.forEach(ids::add);
                Collections.reverse(ids);
                ArrayNode varied = n.putArray("contacts");
                ids.forEach(id -> varied.add(isDigits(id.asText()) ? Json.MAPPER.getNodeFactory().numberNode(
                        new java.math.BigInteger(id.asText())) : id));
            }
            n.put("closed", String.valueOf(n.path("closed").asBoolean()));
            out.add(n);
        }
        return out;
    }

    private static void number(ObjectNode n, String field) {
        String v = text(n, field);
        if (v != null && isDigits(v)) {
            n.put(field, new java.math.BigInteger(v));
        }
    }

    private static boolean isDigits(String s) {
        return !s.isEmpty() && s.length() <= 30 && s.chars().allMatch(ch -> ch >= '0' && ch <= '9') && !s.startsWith("0");
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
