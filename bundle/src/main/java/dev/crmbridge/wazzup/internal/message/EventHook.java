package dev.crmbridge.wazzup.internal.message;

import dev.crmbridge.wazzup.api.event.WazzupEvents;
import dev.crmbridge.wazzup.internal.store.SendTable;
import dev.crmbridge.wazzup.internal.store.SendTable.SendRow;
import java.time.Clock;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.osgi.service.event.Event;

/**
 * What the message side learns from webhook events as they are delivered: a {@code statuses} item for a
 * message the CRM sent moves its row on, and its event carries the CRM's id and outcome; a channel's new
 * state reaches the {@link ChannelRegistry} at once; a template's status makes the {@link TemplateCatalog}
 * read again. In a cluster, either of the last two is told to the other nodes ({@code catalogChanged}), which
 * read the channels and templates anew.
 */
public final class EventHook implements UnaryOperator<Event> {

    private final SendTable sends;
    private final ChannelRegistry channels;
    private final TemplateCatalog templates;
    private final Clock clock;
    private final Runnable catalogChanged;

    public EventHook(SendTable sends, ChannelRegistry channels, TemplateCatalog templates, Clock clock) {
        this(sends, channels, templates, clock, () -> { });
    }

    /** @param catalogChanged run after a channel's state or a template's status was taken in */
    public EventHook(SendTable sends, ChannelRegistry channels, TemplateCatalog templates, Clock clock,
            Runnable catalogChanged) {
        this.sends = sends;
        this.channels = channels;
        this.templates = templates;
        this.clock = clock;
        this.catalogChanged = catalogChanged;
    }

    @Override
    public Event apply(Event e) {
        String topic = e.getTopic();
        if (WazzupEvents.TOPIC_CHANNEL_STATE_CHANGED.equals(topic)) {
            channels.update(string(e, WazzupEvents.PROPERTY_CHANNEL_ID), string(e, WazzupEvents.PROPERTY_STATE));
            catalogChanged.run();
            return e;
        }
        if (WazzupEvents.TOPIC_TEMPLATE_STATUS_CHANGED.equals(topic)) {
            templates.stale();
            catalogChanged.run();
            return e;
        }
        if (!WazzupEvents.TOPIC_MESSAGE_STATUS_CHANGED.equals(topic)) {
            return e;
        }
        String messageId = string(e, WazzupEvents.PROPERTY_MESSAGE_ID);
        String status = string(e, WazzupEvents.PROPERTY_STATUS);
        String outcome = outcome(status);
        if (messageId == null || outcome == null) {
            return e; // edited, or a status we do not track: the event as it came
        }
        SendRow row = sends.advance(messageId, outcome, string(e, WazzupEvents.PROPERTY_ERROR_CODE),
                string(e, WazzupEvents.PROPERTY_ERROR_DESCRIPTION), clock.millis());
        if (row == null) {
            // not sent through the connector (a manager in Wazzup's window, a phone), or sent so recently that
            // the 201 is not recorded yet: then the status is kept and applied when it is
            sends.keepEarly(messageId, outcome, string(e, WazzupEvents.PROPERTY_ERROR_CODE),
                    string(e, WazzupEvents.PROPERTY_ERROR_DESCRIPTION), clock.millis());
            return e;
        }
        Map<String, Object> base = new HashMap<>();
        for (String name : e.getPropertyNames()) {
            if (!"event.topics".equals(name)) {
                base.put(name, e.getProperty(name));
            }
        }
        return new Event(topic, MessageService.properties(row, base));
    }

    /** Wazzup's status as our outcome, or null for one that does not move a message ({@code edited}, unknown ones). */
    static String outcome(String status) {
        if (status == null) {
            return null;
        }
        return switch (status.toLowerCase(Locale.ROOT)) {
            case "sent" -> "SENT";
            case "delivered" -> "DELIVERED";
            case "read" -> "READ";
            case "error" -> "ERROR";
            default -> null;
        };
    }

    private static String string(Event e, String name) {
        Object v = e.getProperty(name);
        return v == null ? null : v.toString();
    }
}
