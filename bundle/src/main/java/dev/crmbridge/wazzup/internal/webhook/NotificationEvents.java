package dev.crmbridge.wazzup.internal.webhook;

import static dev.crmbridge.wazzup.internal.webhook.Notifications.bool;
import static dev.crmbridge.wazzup.internal.webhook.Notifications.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crmbridge.wazzup.api.event.WazzupEvents;
import dev.crmbridge.wazzup.internal.client.Json;
import dev.crmbridge.wazzup.internal.store.RefsTable.ChatOwners;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.event.Event;

/** Turns a stored notification into its OSGi event ({@link WazzupEvents}). */
final class NotificationEvents {

    /** Who a chat belongs to: any of the handles (chat id, username, phone) of one chat type. */
    interface OwnerLookup {
        ChatOwners of(String chatType, List<String> handles);
    }

    /** A stored notification that can never become an event. */
    static final class Undeliverable extends Exception {

        private static final long serialVersionUID = 1L;

        Undeliverable(String message) {
            super(message, null, false, false);
        }
    }

    private NotificationEvents() {
    }

    /**
     * The event of a stored notification.
     *
     * @throws Undeliverable when the stored text is not a notification of its kind
     */
    static Event event(String key, String kind, String body, OwnerLookup owners) throws Undeliverable {
        JsonNode n;
        try {
            n = Json.mapper().readTree(body);
        } catch (IOException e) {
            throw new Undeliverable("the stored notification is not JSON");
        }
        if (n == null || !n.isObject()) {
            throw new Undeliverable("the stored notification is not a JSON object");
        }
        Map<String, Object> p = new HashMap<>();
        p.put(WazzupEvents.PROPERTY_NOTIFICATION_KEY, key);
        String topic = switch (kind) {
            case Notifications.MESSAGE -> message(n, p, owners);
            case Notifications.STATUS -> {
                put(p, WazzupEvents.PROPERTY_MESSAGE_ID, text(n, "messageId"));
                put(p, WazzupEvents.PROPERTY_STATUS, text(n, "status"));
                put(p, WazzupEvents.PROPERTY_TIME, text(n, "timestamp"));
                put(p, WazzupEvents.PROPERTY_ERROR_CODE, text(n.path("error"), "error"));
                put(p, WazzupEvents.PROPERTY_ERROR_DESCRIPTION, text(n.path("error"), "description"));
                yield WazzupEvents.TOPIC_MESSAGE_STATUS_CHANGED;
            }
            case Notifications.CHANNEL -> {
                put(p, WazzupEvents.PROPERTY_CHANNEL_ID, text(n, "channelId"));
                put(p, WazzupEvents.PROPERTY_STATE, text(n, "state"));
                put(p, WazzupEvents.PROPERTY_TIME, text(n, "timestamp"));
                put(p, WazzupEvents.PROPERTY_TIER, text(n, "tier"));
                yield WazzupEvents.TOPIC_CHANNEL_STATE_CHANGED;
            }
            case Notifications.TEMPLATE -> {
                put(p, WazzupEvents.PROPERTY_TEMPLATE_ID, text(n, "templateGuid"));
                put(p, WazzupEvents.PROPERTY_TEMPLATE_NAME, text(n, "name"));
                put(p, WazzupEvents.PROPERTY_STATUS, text(n, "status"));
                yield WazzupEvents.TOPIC_TEMPLATE_STATUS_CHANGED;
            }
            default -> throw new Undeliverable("no event for notifications of the kind '" + kind + "'");
        };
        return new Event(topic, p);
    }

    private static String message(JsonNode n, Map<String, Object> p, OwnerLookup owners) {
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
            List<String> handles = new ArrayList<>();
            for (String h : new String[] {text(n, "chatId"), text(n.path("contact"), "username"), text(n.path("contact"), "phone")}) {
                if (h != null) {
                    handles.add(h);
                }
            }
            ChatOwners o = handles.isEmpty() ? ChatOwners.NONE : owners.of(chatType, handles);
            p.put(WazzupEvents.PROPERTY_CONTACT_IDS, o.contactIds().toArray(new String[0]));
            p.put(WazzupEvents.PROPERTY_DEAL_IDS, o.dealIds().toArray(new String[0]));
            p.put(WazzupEvents.PROPERTY_RESPONSIBLE_USER_IDS, o.userIds().toArray(new String[0]));
        }
        return bool(n, "isDeleted") ? WazzupEvents.TOPIC_MESSAGE_DELETED
                : bool(n, "isEdited") ? WazzupEvents.TOPIC_MESSAGE_EDITED
                : bool(n, "isEcho") ? WazzupEvents.TOPIC_MESSAGE_SENT : WazzupEvents.TOPIC_MESSAGE_RECEIVED;
    }

    private static void put(Map<String, Object> p, String key, String value) {
        if (value != null) {
            p.put(key, value);
        }
    }
}
