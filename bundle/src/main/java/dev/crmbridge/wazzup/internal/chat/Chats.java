package dev.crmbridge.wazzup.internal.chat;

import dev.crmbridge.wazzup.api.chat.ChatButton;
import dev.crmbridge.wazzup.api.spi.CrmSession;
import dev.crmbridge.wazzup.internal.web.Whiteboard;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** The chat side of a configured connector: the endpoints' servlet and the three chat buttons. */
public final class Chats implements AutoCloseable {

    private final ChatService service;
    private final LiveCounters live;
    private final List<Whiteboard.Registration> registrations = new ArrayList<>();

    /** @param live the counter streams, or null when streaming is off (closed with this) */
    public Chats(Whiteboard whiteboard, String chatPath, int pollSeconds, ChatService service, ChatDeals deals,
            Supplier<CrmSession> session, boolean dealEvents, LiveCounters live) {
        this.service = service;
        this.live = live;
        registrations.add(whiteboard.register(new ChatServlet(service, deals, session, dealEvents, live), chatPath + "/*",
                "wazzup-chat"));
        for (String slot : List.of(ChatButton.SLOT_GLOBAL_TOOLBAR, ChatButton.SLOT_CONTACT_CARD, ChatButton.SLOT_DEAL_CARD)) {
            ChatButtonDescriptor b = new ChatButtonDescriptor(slot, chatPath, pollSeconds, live != null);
            registrations.add(whiteboard.publish(ChatButton.class, b, b.properties()));
        }
    }

    public ChatService service() {
        return service;
    }

    /** The counter streams, or null when streaming is off. */
    public LiveCounters live() {
        return live;
    }

    @Override
    public void close() {
        registrations.forEach(Whiteboard.Registration::close);
        registrations.clear();
        if (live != null) {
            live.close();
        }
    }
}
