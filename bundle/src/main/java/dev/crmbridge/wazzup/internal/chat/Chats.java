package dev.crmbridge.wazzup.internal.chat;

import dev.crmbridge.wazzup.api.chat.ChatButton;
import dev.crmbridge.wazzup.api.spi.CrmSession;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.function.Supplier;
import javax.servlet.Servlet;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** The chat side of a configured connector: the endpoints' servlet and the three chat buttons. */
public final class Chats implements AutoCloseable {

    private final ChatService service;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    public Chats(BundleContext context, String chatPath, int pollSeconds, ChatService service, ChatDeals deals,
            Supplier<CrmSession> session, boolean dealEvents) {
        this.service = service;
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.http.whiteboard.servlet.pattern", chatPath + "/*");
        props.put("osgi.http.whiteboard.servlet.name", "wazzup-chat");
        registrations.add(context.registerService(Servlet.class, new ChatServlet(service, deals, session, dealEvents), props));
        for (String slot : List.of(ChatButton.SLOT_GLOBAL_TOOLBAR, ChatButton.SLOT_CONTACT_CARD, ChatButton.SLOT_DEAL_CARD)) {
            ChatButtonDescriptor b = new ChatButtonDescriptor(slot, chatPath, pollSeconds);
            registrations.add(context.registerService(ChatButton.class, b, b.properties()));
        }
    }

    public ChatService service() {
        return service;
    }

    @Override
    public void close() {
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework is stopping
            }
        }
        registrations.clear();
    }
}
