package dev.crmbridge.wazzup.internal.chat;

import dev.crmbridge.wazzup.api.event.WazzupEvents;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.osgi.service.event.Event;

/**
 * Collects, from the webhook events as they are delivered, the responsible users of the chats that had a
 * customer's message or a manager's reply: whose unanswered counters changed. {@link #drain()} hands them
 * over after each delivery pass. The events pass unchanged. Thread-safe.
 */
public final class MessageUsers implements UnaryOperator<Event> {

    private final Set<String> users = new LinkedHashSet<>();

    @Override
    public Event apply(Event e) {
        String topic = e.getTopic();
        if (WazzupEvents.TOPIC_MESSAGE_RECEIVED.equals(topic) || WazzupEvents.TOPIC_MESSAGE_SENT.equals(topic)
                || WazzupEvents.TOPIC_MESSAGE_DELETED.equals(topic)) {
            Object ids = e.getProperty(WazzupEvents.PROPERTY_RESPONSIBLE_USER_IDS);
            if (ids instanceof String[] a) {
                synchronized (users) {
                    users.addAll(List.of(a));
                }
            }
        }
        return e;
    }

    /** The users collected since the last call (none: the chats' responsible users are not known). */
    public List<String> drain() {
        synchronized (users) {
            List<String> out = List.copyOf(users);
            users.clear();
            return out;
        }
    }
}
