package dev.crmbridge.wazzup.internal.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crmbridge.wazzup.api.event.WazzupEvents;
import dev.crmbridge.wazzup.internal.client.Json;
import dev.crmbridge.wazzup.internal.store.SyncStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.event.Event;

/**
 * Splits a webhook body into notifications (one per message, status, channel update or template
 * status, §8.4–§8.8 of the reference), each with a de-duplication key, and turns a stored
 * notification into its OSGi event.
 */
final class Notifications {

    static final String MESSAGE = "message";
    static final String STATUS = "status";
    static final String CHANNEL = "channel";
    static final String TEMPLATE = "template";

    private Notifications() {
    }

    /** {@code [dedup key, kind, item JSON]} for every notification in the body. */
    static List<String[]> split(JsonNode body) {
        List<String[]> out = new ArrayList<>();
        for (JsonNode m : items(body.get("messages"))) {
            String id = text(m, "messageId");
            String variant = m.path("isDeleted").asBoolean(false) || "true".equals(m.path("isDeleted").asText()) ? "deleted"
                    : m.path("isEdited").asBoolean(false) || "true".equals(m.path("isEdited").asText())
                            ? "edited:" + digest(text(m, "text") + "\u0000" + text(m, "contentUri")) : "new";
            out.add(new String[] {"m:" + (id != null ? id : digest(m.toString())) + ":" + variant, MESSAGE, m.toString()});
        }
        for (JsonNode st : items(body.get("statuses"))) {
            String id = text(st, "messageId");
            String status = text(st, "status");
            String key = id == null ? digest(st.toString())
                    : id + ":" + status + ("edited".equals(status) ? ":" + text(st, "timestamp") : "");
            out.add(new String[] {"s:" + key, STATUS, st.toString()});
        }
        for (JsonNode ch : items(body.get("channelsUpdates"))) {
            String id = text(ch, "channelId");
            String key = id == null ? digest(ch.toString()) : id + ":" + text(ch, "state") + ":" + text(ch, "timestamp");
            out.add(new String[] {"c:" + key, CHANNEL, ch.toString()});
        }
        JsonNode t = body.get("templateStatus");
        for (JsonNode tpl : t != null && t.isArray() ? items(t) : t == null || t.isNull() ? List.<JsonNode>of() : List.of(t)) {
            String id = text(tpl, "templateGuid");
            String key = id == null ? digest(tpl.toString()) : id + ":" + String.valueOf(text(tpl, "status")).toLowerCase();
            out.add(new String[] {"t:" + key, TEMPLATE, tpl.toString()});
        }
        return out;
    }

    private static List<JsonNode> items(JsonNode n) {
        List<JsonNode> out = new ArrayList<>();
        if (n != null && n.isArray()) {
            n.forEach(i -> {
                if (i.isObject()) {
                    out.add(i);
                }
            });
        } else if (n != null && n.isObject()) {
            out.add(n);
        }
        return out;
    }

    /** The event of a stored notification; {@code owners} resolves who a chat belongs to. */
    static Event event(String kind, String body, OwnerLookup owners) throws java.io.IOException {
        JsonNode n = Json.mapper().readTree(body);
        Map<String, Object> p = new HashMap<>();
        String topic;
        switch (kind) {
            case MESSAGE -> {
                boolean echo = bool(n, "isEcho");
                topic = bool(n, "isDeleted") ? WazzupEvents.TOPIC_MESSAGE_DELETED
                        : bool(n, "isEdited") ? WazzupEvents.TOPIC_MESSAGE_EDITED
                        : echo ? WazzupEvents.TOPIC_MESSAGE_SENT : WazzupEvents.TOPIC_MESSAGE_RECEIVED;
                put(p, WazzupEvents.PROPERTY_MESSAGE_ID, text(n, "messageId"));
                put(p, WazzupEvents.PROPERTY_CHANNEL_ID, text(n, "channelId"));
                put(p, WazzupEvents.PROPERTY_CHAT_TYPE, text(n, "chatType"));
                put(p, WazzupEvents.PROPERTY_CHAT_ID, text(n, "chatId"));
                put(p, WazzupEvents.PROPERTY_MESSAGE_TYPE, text(n, "type"));
                put(p, WazzupEvents.PROPERTY_TEXT, text(n, "text"));
                put(p, WazzupEvents.PROPERTY_CONTENT_URI, text(n, "contentUri"));
                put(p, WazzupEvents.PROPERTY_TIME, text(n, "dateTime"));
                put(p, WazzupEvents.PROPERTY_STATUS, text(n, "status"));
                put(p, WazzupEvents.PROPERTY_CONTACT_NAME, text(n.path("contact"), "name"));
                put(p, WazzupEvents.PROPERTY_AUTHOR_ID, text(n, "authorId"));
                put(p, WazzupEvents.PROPERTY_AUTHOR_NAME, text(n, "authorName"));
                put(p, WazzupEvents.PROPERTY_ERROR_CODE, text(n.path("error"), "error"));
                put(p, WazzupEvents.PROPERTY_ERROR_DESCRIPTION, text(n.path("error"), "description"));
                String chatType = text(n, "chatType");
                if (chatType != null) {
                    Set<String> contacts = new LinkedHashSet<>();
                    Set<String> deals = new LinkedHashSet<>();
                    Set<String> users = new LinkedHashSet<>();
                    for (String handle : new String[] {text(n, "chatId"), text(n.path("contact"), "username"),
                            text(n.path("contact"), "phone")}) {
                        if (handle != null) {
                            SyncStore.ChatOwners o = owners.of(chatType, handle);
                            contacts.addAll(o.contactIds());
                            deals.addAll(o.dealIds());
                            users.addAll(o.userIds());
                        }
                    }
                    p.put(WazzupEvents.PROPERTY_CONTACT_IDS, contacts.toArray(new String[0]));
                    p.put(WazzupEvents.PROPERTY_DEAL_IDS, deals.toArray(new String[0]));
                    p.put(WazzupEvents.PROPERTY_RESPONSIBLE_USER_IDS, users.toArray(new String[0]));
                }
            }
            case STATUS -> {
                topic = WazzupEvents.TOPIC_MESSAGE_STATUS_CHANGED;
                put(p, WazzupEvents.PROPERTY_MESSAGE_ID, text(n, "messageId"));
                put(p, WazzupEvents.PROPERTY_STATUS, text(n, "status"));
                put(p, WazzupEvents.PROPERTY_TIME, text(n, "timestamp"));
                put(p, WazzupEvents.PROPERTY_ERROR_CODE, text(n.path("error"), "error"));
                put(p, WazzupEvents.PROPERTY_ERROR_DESCRIPTION, text(n.path("error"), "description"));
            }
            case CHANNEL -> {
                topic = WazzupEvents.TOPIC_CHANNEL_STATE_CHANGED;
                put(p, WazzupEvents.PROPERTY_CHANNEL_ID, text(n, "channelId"));
                put(p, WazzupEvents.PROPERTY_STATE, text(n, "state"));
                put(p, WazzupEvents.PROPERTY_TIME, text(n, "timestamp"));
                put(p, WazzupEvents.PROPERTY_TIER, text(n, "tier"));
            }
            default -> {
                topic = WazzupEvents.TOPIC_TEMPLATE_STATUS_CHANGED;
                put(p, WazzupEvents.PROPERTY_TEMPLATE_ID, text(n, "templateGuid"));
                put(p, WazzupEvents.PROPERTY_TEMPLATE_NAME, text(n, "name"));
                put(p, WazzupEvents.PROPERTY_STATUS, text(n, "status"));
            }
        }
        return new Event(topic, p);
    }

    /** Who a chat belongs to. */
    interface OwnerLookup {
        SyncStore.ChatOwners of(String chatType, String chatId);
    }

    /** A boolean Wazzup may send as {@code true} or {@code "true"} (§1.8). */
    private static boolean bool(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && (v.isBoolean() ? v.booleanValue() : "true".equalsIgnoreCase(v.asText()));
    }

    private static void put(Map<String, Object> p, String key, String value) {
        if (value != null) {
            p.put(key, value);
        }
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }

    private static String digest(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
