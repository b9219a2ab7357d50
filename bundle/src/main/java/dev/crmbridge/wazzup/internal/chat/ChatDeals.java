package dev.crmbridge.wazzup.internal.chat;

import dev.crmbridge.wazzup.api.chat.ChatWindowException;
import dev.crmbridge.wazzup.api.chat.ChatWindowException.Reason;
import dev.crmbridge.wazzup.api.model.ChatHandle;
import dev.crmbridge.wazzup.api.model.CrmDeal;
import dev.crmbridge.wazzup.api.spi.CreationSource;
import dev.crmbridge.wazzup.api.spi.CrmEntityFactory;
import dev.crmbridge.wazzup.api.spi.CrmSession;
import dev.crmbridge.wazzup.api.spi.NewDealRequest;
import dev.crmbridge.wazzup.api.spi.SessionUser;
import dev.crmbridge.wazzup.internal.client.WzChatHandle;
import dev.crmbridge.wazzup.internal.store.Store;
import dev.crmbridge.wazzup.internal.sync.Payloads;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "+" in the chat window's Deals dropdown with deal events on: the page asks, the CRM creates the deal
 * for the signed-in user and the chat's contacts (those the user may see), and the new deal is queued
 * for Wazzup so that it appears in the dropdown. A repeat within {@link #REPEAT_MILLIS} (a double
 * click) answers the deal made first.
 */
public final class ChatDeals {

    private static final Logger LOG = LoggerFactory.getLogger(ChatDeals.class);
    static final long REPEAT_MILLIS = 10_000;

    private record Made(CrmDeal deal, long at) {
    }

    private final Supplier<CrmEntityFactory> factory;
    private final Store store;
    private final Payloads payloads;
    private final Consumer<String> dealSaved;
    private final String pipelineId;
    private final String stageId;
    private final Clock clock;
    private final Map<String, Made> recent = new ConcurrentHashMap<>();

    /** @param dealSaved records a created deal for the sync */
    public ChatDeals(Supplier<CrmEntityFactory> factory, Store store, Payloads payloads, Consumer<String> dealSaved,
            String pipelineId, String stageId, Clock clock) {
        this.factory = factory;
        this.store = store;
        this.payloads = payloads;
        this.dealSaved = dealSaved;
        this.pipelineId = pipelineId;
        this.stageId = stageId;
        this.clock = clock;
    }

    /** The one answer when the chat has no contact the manager may see (none, or none visible). */
    static final String NO_VISIBLE_CONTACT = "This chat belongs to no contact you may see in the CRM: create the contact"
            + " first, or ask who owns it";

    CrmDeal create(SessionUser user, CrmSession session, String chatType, String chatId) {
        WzChatHandle h = chatType == null || chatId == null ? null : payloads.handle(new ChatHandle(chatType, chatId, null, null));
        if (h == null) {
            throw new ChatWindowException(Reason.NOT_FOUND, "The chat is not known");
        }
        String key = user.id() + "\u0000" + h.chatType() + ":" + h.chatId();
        long now = clock.millis();
        recent.values().removeIf(m -> now - m.at() > REPEAT_MILLIS);
        synchronized (recent) {
            Made earlier = recent.get(key);
            if (earlier != null) {
                return earlier.deal();
            }
            List<String> contacts = store.refs().chatOwners(h.chatType(), List.of(h.chatId())).contactIds();
            List<String> visible = contacts.stream().filter(id -> session.maySeeContact(user, id)).toList();
            if (visible.isEmpty()) {
                // one answer for "no contact" and "none you may see": it must not tell whether the number
                // belongs to a contact the manager may not see
                throw new ChatWindowException(Reason.NOT_FOUND, NO_VISIBLE_CONTACT);
            }
            CrmEntityFactory f = factory.get();
            if (f == null) {
                throw new ChatWindowException(Reason.NOT_CONFIGURED, "The CRM does not create deals from chats");
            }
            CrmDeal deal;
            try {
                deal = f.createDeal(new NewDealRequest(user.id(), visible, CreationSource.BY_USER, pipelineId, stageId));
            } catch (RuntimeException e) {
                LOG.warn("Wazzup chat: the CRM could not create a deal", e);
                throw new ChatWindowException(Reason.UNAVAILABLE, "The CRM could not create the deal");
            }
            if (deal == null) {
                throw new ChatWindowException(Reason.UNAVAILABLE, "The CRM created no deal");
            }
            recent.put(key, new Made(deal, now));
            dealSaved.accept(deal.id());
            return deal;
        }
    }
}
