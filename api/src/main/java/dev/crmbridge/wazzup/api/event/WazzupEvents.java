package dev.crmbridge.wazzup.api.event;

/**
 * The events the connector delivers (OSGi EventAdmin, {@code sendEvent} from its own thread, so that a
 * notification leaves its store only once every handler had its event) for what happens in Wazzup:
 * messages, outgoing statuses, channels and templates. Each is delivered once per Wazzup notification
 * (Wazzup's repeats are de-duplicated by key), after it was stored durably: at least once, so after a
 * crash an event may come a second time, with the same {@link #PROPERTY_NOTIFICATION_KEY}. Handlers
 * should return quickly: the next events wait for them.
 *
 * <p>Properties the connector knows are set; others are absent (never {@code null} values). Chat,
 * contact and deal ids come from what the connector synced: {@link #PROPERTY_CONTACT_IDS},
 * {@link #PROPERTY_DEAL_IDS} and {@link #PROPERTY_RESPONSIBLE_USER_IDS} are {@code String[]}, empty
 * for a chat no synced contact has.
 *
 * <pre>{@code
 * @Component(property = EventConstants.EVENT_TOPIC + "=" + WazzupEvents.TOPIC_MESSAGE_RECEIVED)
 * public class NewMessageNotifier implements EventHandler {
 *     public void handleEvent(Event e) {
 *         String[] managers = (String[]) e.getProperty(WazzupEvents.PROPERTY_RESPONSIBLE_USER_IDS);
 *         notifications.push(managers, "New message: " + e.getProperty(WazzupEvents.PROPERTY_TEXT));
 *     }
 * }
 * }</pre>
 *
 * @since 1.0
 */
public final class WazzupEvents {

    /** The prefix of all topics the connector posts: {@value}. */
    public static final String TOPIC_PREFIX = "dev/crmbridge/wazzup/";

    /** A customer wrote: {@value}. */
    public static final String TOPIC_MESSAGE_RECEIVED = TOPIC_PREFIX + "message/RECEIVED";
    /** A manager wrote to a customer outside the CRM (Wazzup's window, a phone): {@value}. */
    public static final String TOPIC_MESSAGE_SENT = TOPIC_PREFIX + "message/SENT";
    /** A message was edited: {@value}. */
    public static final String TOPIC_MESSAGE_EDITED = TOPIC_PREFIX + "message/EDITED";
    /** A message was deleted: {@value}. */
    public static final String TOPIC_MESSAGE_DELETED = TOPIC_PREFIX + "message/DELETED";
    /** An outgoing message's status changed (sent, delivered, read, error): {@value}. */
    public static final String TOPIC_MESSAGE_STATUS_CHANGED = TOPIC_PREFIX + "message/STATUS_CHANGED";
    /** A channel's state changed (e.g. needs a QR scan): {@value}. */
    public static final String TOPIC_CHANNEL_STATE_CHANGED = TOPIC_PREFIX + "channel/STATE_CHANGED";
    /** A WhatsApp Business template's moderation status changed: {@value}. */
    public static final String TOPIC_TEMPLATE_STATUS_CHANGED = TOPIC_PREFIX + "template/STATUS_CHANGED";
    /** Every message topic: {@value}. */
    public static final String TOPIC_MESSAGE_ALL = TOPIC_PREFIX + "message/*";

    /** Wazzup's message id ({@code String}). */
    public static final String PROPERTY_MESSAGE_ID = "messageId";
    /**
     * The notification's de-duplication key ({@code String}), on every event the connector posts from a
     * webhook: an event is delivered at least once, and a second delivery (after a crash between delivery
     * and bookkeeping) carries the same key. Since 1.1.
     */
    public static final String PROPERTY_NOTIFICATION_KEY = "notificationKey";
    /** The channel ({@code String}, a UUID). */
    public static final String PROPERTY_CHANNEL_ID = "channelId";
    /** The messenger ({@code String}: {@code whatsapp}, {@code telegram}, …; an open set). */
    public static final String PROPERTY_CHAT_TYPE = "chatType";
    /** The chat ({@code String}: a phone for WhatsApp, Wazzup's id for Telegram, …). */
    public static final String PROPERTY_CHAT_ID = "chatId";
    /** The CRM ids of the contacts whose handles denote the chat ({@code String[]}). */
    public static final String PROPERTY_CONTACT_IDS = "contactIds";
    /** The CRM ids of those contacts' deals ({@code String[]}). */
    public static final String PROPERTY_DEAL_IDS = "dealIds";
    /** The CRM users responsible for those contacts and deals ({@code String[]}). */
    public static final String PROPERTY_RESPONSIBLE_USER_IDS = "responsibleUserIds";
    /** The message type ({@code String}: {@code text}, {@code image}, …; an open set). */
    public static final String PROPERTY_MESSAGE_TYPE = "messageType";
    /** The text ({@code String}), absent for media. */
    public static final String PROPERTY_TEXT = "text";
    /** The media link ({@code String}), absent for text. */
    public static final String PROPERTY_CONTENT_URI = "contentUri";
    /** When the message was sent or the status learned ({@code String}, ISO-8601 as Wazzup sent it). */
    public static final String PROPERTY_TIME = "time";
    /** The customer's name in the messenger ({@code String}). */
    public static final String PROPERTY_CONTACT_NAME = "contactName";
    /** For {@link #TOPIC_MESSAGE_SENT}: the CRM user who wrote ({@code String}), when Wazzup knows. */
    public static final String PROPERTY_AUTHOR_ID = "authorId";
    /** For {@link #TOPIC_MESSAGE_SENT}: the writer's name ({@code String}). */
    public static final String PROPERTY_AUTHOR_NAME = "authorName";
    /** A message or template status ({@code String}: {@code delivered}, {@code read}, {@code approved}, …). */
    public static final String PROPERTY_STATUS = "status";
    /** Wazzup's error code of a failed message ({@code String}). */
    public static final String PROPERTY_ERROR_CODE = "errorCode";
    /** Wazzup's error description ({@code String}). */
    public static final String PROPERTY_ERROR_DESCRIPTION = "errorDescription";
    /** A channel's state ({@code String}: {@code active}, {@code qr}, {@code unauthorized}, …). */
    public static final String PROPERTY_STATE = "state";
    /** A WhatsApp Business tier ({@code String}: {@code TIER_1K}, …). */
    public static final String PROPERTY_TIER = "tier";
    /** A template's id ({@code String}). */
    public static final String PROPERTY_TEMPLATE_ID = "templateGuid";
    /** A template's name ({@code String}). */
    public static final String PROPERTY_TEMPLATE_NAME = "templateName";
    /**
     * On {@link #TOPIC_MESSAGE_STATUS_CHANGED} for a message the CRM sent through the connector's
     * {@code Messages} service: the CRM's id of the message ({@code String}). Since 1.2.
     */
    public static final String PROPERTY_CRM_MESSAGE_ID = "crmMessageId";
    /**
     * With {@link #PROPERTY_CRM_MESSAGE_ID}: where the message stands ({@code String}, a
     * {@code dev.crmbridge.wazzup.api.message.MessageStatus} name: {@code QUEUED}, {@code SENT},
     * {@code DELIVERED}, {@code READ}, {@code ERROR}, {@code FAILED}, {@code UNKNOWN}). Since 1.2.
     */
    public static final String PROPERTY_OUTCOME = "outcome";
    /** With {@link #PROPERTY_CRM_MESSAGE_ID}: the CRM contact the message went to ({@code String}), when sent to one. Since 1.2. */
    public static final String PROPERTY_CONTACT_ID = "contactId";

    private WazzupEvents() {
        // constants only
    }
}
