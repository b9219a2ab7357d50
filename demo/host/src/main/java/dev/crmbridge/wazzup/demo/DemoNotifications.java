package dev.crmbridge.wazzup.demo;

import dev.crmbridge.wazzup.api.event.WazzupEvents;
import dev.crmbridge.wazzup.api.spi.SessionUser;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * The CRM's notifications of customers' messages: the connector's {@code message/RECEIVED} events,
 * each for the managers responsible for the chat (an administrator sees all). Kept in memory, the last
 * hundred; a real CRM would store them and push them to the browser.
 */
@Component(service = {EventHandler.class, DemoNotifications.class},
        property = EventConstants.EVENT_TOPIC + "=" + WazzupEvents.TOPIC_MESSAGE_RECEIVED)
public final class DemoNotifications implements EventHandler {

    /** One message a customer wrote. */
    public record Notification(Instant time, String contactName, String text, String chatType, String chatId,
            List<String> contactIds, List<String> responsibleUserIds) {
    }

    private static final int KEEP = 100;
    private final Deque<Notification> recent = new ArrayDeque<>();

    @Override
    public void handleEvent(Event e) {
        Object text = e.getProperty(WazzupEvents.PROPERTY_TEXT);
        Notification n = new Notification(Instant.now(), (String) e.getProperty(WazzupEvents.PROPERTY_CONTACT_NAME),
                text == null ? "[" + e.getProperty(WazzupEvents.PROPERTY_MESSAGE_TYPE) + "]" : text.toString(),
                (String) e.getProperty(WazzupEvents.PROPERTY_CHAT_TYPE), (String) e.getProperty(WazzupEvents.PROPERTY_CHAT_ID),
                strings(e.getProperty(WazzupEvents.PROPERTY_CONTACT_IDS)),
                strings(e.getProperty(WazzupEvents.PROPERTY_RESPONSIBLE_USER_IDS)));
        synchronized (recent) {
            recent.addFirst(n);
            while (recent.size() > KEEP) {
                recent.removeLast();
            }
        }
    }

    /** The newest first, those this user should see. */
    List<Notification> of(SessionUser user) {
        List<Notification> out = new ArrayList<>();
        synchronized (recent) {
            for (Notification n : recent) {
                if (user.administrator() || n.responsibleUserIds().contains(user.id())) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    private static List<String> strings(Object value) {
        return value instanceof String[] a ? Arrays.asList(a) : List.of();
    }
}
