package dev.crmbridge.wazzup.internal.config;

import dev.crmbridge.wazzup.api.account.Accounts;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/** The host's EventAdmin for one account: every event the connector posts names the account it is of. */
final class AccountEvents implements EventAdmin {

    private final EventAdmin delegate;
    private final String account;

    private AccountEvents(EventAdmin delegate, String account) {
        this.delegate = delegate;
        this.account = account;
    }

    /** {@code events} as they are now, each event tagged with {@value Accounts#EVENT_PROPERTY}. */
    static Supplier<EventAdmin> tagging(Supplier<EventAdmin> events, String account) {
        return () -> {
            EventAdmin e = events.get();
            return e == null ? null : new AccountEvents(e, account);
        };
    }

    @Override
    public void postEvent(Event event) {
        delegate.postEvent(tag(event));
    }

    @Override
    public void sendEvent(Event event) {
        delegate.sendEvent(tag(event));
    }

    private Event tag(Event event) {
        if (event.containsProperty(Accounts.EVENT_PROPERTY)) {
            return event;
        }
        Map<String, Object> props = new HashMap<>();
        for (String name : event.getPropertyNames()) {
            if (!name.equals("event.topics")) {
                props.put(name, event.getProperty(name));
            }
        }
        props.put(Accounts.EVENT_PROPERTY, account);
        return new Event(event.getTopic(), props);
    }
}
