package dev.crmbridge.wazzup.internal.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crmbridge.wazzup.internal.store.InboxItem;
import dev.crmbridge.wazzup.internal.store.Schema;
import dev.crmbridge.wazzup.internal.util.Digests;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a webhook body into notifications (one per message, status, channel update or template
 * status, §8.4–§8.8 of the reference), each with a de-duplication key. An item that can never become an
 * event (not a JSON object, its id missing or longer than any id, a chat id longer than any chat) is
 * kept apart with the reason: it is stored as set aside, and the others of the delivery go on.
 */
final class Notifications {

    static final String MESSAGE = "message";
    static final String STATUS = "status";
    static final String CHANNEL = "channel";
    static final String TEMPLATE = "template";

    /** Ids and chat ids longer than this are no Wazzup ids (Wazzup's are uuids; chat ids are short). */
    static final int MAX_ID = Schema.ID;
    /** The longest status, state or code a key holds as it is (keys stay under {@link Schema#DEDUP}). */
    private static final int PART = 40;

    private Notifications() {
    }

    /** Every notification in the body, the ones that cannot become events with their reason. */
    static List<InboxItem> split(JsonNode body) {
        List<InboxItem> out = new ArrayList<>();
        for (JsonNode m : items(body, "messages", MESSAGE, out)) {
            String id = text(m, "messageId");
            String bad = missingOrLong(id, "messageId");
            if (bad == null) {
                bad = longer(text(m, "chatId"), "chatId");
            }
            if (bad != null) {
                out.add(setAside(MESSAGE, m, bad));
                continue;
            }
            // each state of a message is its own notification (an echo "sent", then "error"); an exact
            // repeat has the same key
            String variant = bool(m, "isDeleted") ? "deleted"
                    : bool(m, "isEdited") ? "edited:" + Digests.sha256Hex(text(m, "text") + "\u0000" + text(m, "contentUri"), 12)
                    : "new" + state(m);
            out.add(InboxItem.of("m:" + id + ":" + variant, MESSAGE, m.toString()));
        }
        for (JsonNode st : items(body, "statuses", STATUS, out)) {
            String id = text(st, "messageId");
            String bad = missingOrLong(id, "messageId");
            if (bad != null) {
                out.add(setAside(STATUS, st, bad));
                continue;
            }
            String status = text(st, "status");
            out.add(InboxItem.of("s:" + id + state(st) + ("edited".equalsIgnoreCase(status) ? ":" + part(text(st, "timestamp")) : ""),
                    STATUS, st.toString()));
        }
        for (JsonNode ch : items(body, "channelsUpdates", CHANNEL, out)) {
            String id = text(ch, "channelId");
            String bad = missingOrLong(id, "channelId");
            if (bad != null) {
                out.add(setAside(CHANNEL, ch, bad));
                continue;
            }
            out.add(InboxItem.of("c:" + id + ":" + part(text(ch, "state")) + ":" + part(text(ch, "timestamp")), CHANNEL,
                    ch.toString()));
        }
        for (JsonNode tpl : items(body, "templateStatus", TEMPLATE, out)) {
            String id = text(tpl, "templateGuid");
            String bad = missingOrLong(id, "templateGuid");
            if (bad != null) {
                out.add(setAside(TEMPLATE, tpl, bad));
                continue;
            }
            out.add(InboxItem.of("t:" + id + ":" + part(String.valueOf(text(tpl, "status")).toLowerCase(Locale.ROOT)), TEMPLATE,
                    tpl.toString()));
        }
        return out;
    }

    /**
     * The state a message or status item reports: {@code :<status>}, and with an error its code
     * ({@code :error:BAD_CONTACT}); nothing when the item has no status.
     */
    private static String state(JsonNode item) {
        String status = text(item, "status");
        if (status == null) {
            return "";
        }
        JsonNode error = item.get("error");
        String code = error == null ? null : error.isObject() ? text(error, "error") : text(item, "error");
        return ":" + part(status.toLowerCase(Locale.ROOT)) + (code == null ? "" : ":" + part(code));
    }

    /** A value from Wazzup inside a key, bounded: a longer one is replaced by its digest. */
    private static String part(String value) {
        return value == null || value.length() <= PART ? value : Digests.sha256Hex(value, 8);
    }

    /**
     * The objects under {@code field}: an array of them, or one object (Wazzup sends {@code templateStatus}
     * as one). Anything else there, or in the array, is set aside into {@code out}.
     */
    private static List<JsonNode> items(JsonNode body, String field, String kind, List<InboxItem> out) {
        JsonNode n = body.get(field);
        List<JsonNode> items = new ArrayList<>();
        if (n == null || n.isNull()) {
            return items;
        }
        if (n.isObject()) {
            items.add(n);
        } else if (n.isArray()) {
            for (JsonNode i : n) {
                if (i.isObject()) {
                    items.add(i);
                } else {
                    out.add(setAside(kind, i, "an item of '" + field + "' is not a JSON object but " + type(i)));
                }
            }
        } else {
            out.add(setAside(kind, n, "'" + field + "' is neither a list of objects nor an object but " + type(n)));
        }
        return items;
    }

    private static InboxItem setAside(String kind, JsonNode item, String reason) {
        String text = item.toString();
        return InboxItem.setAside("x:" + kind + ":" + Digests.sha256Hex(text, 16), kind, text, reason);
    }

    private static String missingOrLong(String id, String field) {
        if (id == null || id.isBlank()) {
            return field + " is missing, null or not a string";
        }
        return longer(id, field);
    }

    private static String longer(String value, String field) {
        return value != null && value.length() > MAX_ID
                ? field + " has " + value.length() + " characters, more than any Wazzup id (" + MAX_ID + ")" : null;
    }

    private static String type(JsonNode n) {
        return n.isTextual() ? "a string" : n.isNumber() ? "a number" : n.isBoolean() ? "a boolean"
                : n.isArray() ? "a list" : n.isNull() ? "null" : n.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    /** A boolean Wazzup may send as {@code true} or {@code "true"} (§1.8). */
    static boolean bool(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && (v.isBoolean() ? v.booleanValue() : "true".equalsIgnoreCase(v.asText()));
    }

    /** A scalar field as text; null when absent, null or not a scalar. */
    static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }
}
