package dev.crmbridge.wazzup.demo;

import dev.crmbridge.wazzup.api.event.CrmEvents;
import dev.crmbridge.wazzup.api.message.Messages;
import dev.crmbridge.wazzup.api.message.OutgoingMessage;
import dev.crmbridge.wazzup.api.message.Template;
import dev.crmbridge.wazzup.api.message.Templates;
import dev.crmbridge.wazzup.api.model.ChatHandle;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's automation: when a deal is closed (the demo's deals close as won), each of its contacts with WhatsApp gets a thank-you,
 * the approved {@code thank_you} template when the account has one, else a text. The message's id is made
 * of the deal and the contact, so saving the closed deal again sends nothing more.
 */
@Component(service = EventHandler.class, property = EventConstants.EVENT_TOPIC + "=" + CrmEvents.TOPIC_DEAL_SAVED)
public final class DemoAutomation implements EventHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DemoAutomation.class);

    private final DemoStore store;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Messages messages;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Templates templates;

    @Activate
    public DemoAutomation(@Reference DemoCrm crm) {
        this.store = crm.store();
    }

    @Override
    public void handleEvent(Event event) {
        Messages m = messages;
        Object id = event.getProperty(CrmEvents.PROPERTY_ID);
        if (m == null || id == null) {
            return;
        }
        // not on EventAdmin's thread: reading the templates may ask Wazzup
        java.util.concurrent.CompletableFuture.runAsync(() -> thank(m, id.toString()));
    }

    private void thank(Messages m, String dealId) {
        store.deal(dealId).filter(DemoStore.Deal::closed).ifPresent(deal -> {
            for (String contactId : deal.contactIds()) {
                store.contact(contactId).filter(c -> c.chats().stream()
                        .anyMatch(h -> ChatHandle.TYPE_WHATSAPP.equals(h.chatType()))).ifPresent(c -> {
                            OutgoingMessage.Builder b = OutgoingMessage.toContact(c.id()).chatType(ChatHandle.TYPE_WHATSAPP)
                                    .id("thanks-" + deal.id() + "-" + c.id());
                            Template t = thankYou();
                            if (t != null) {
                                b.template(t.id(), t.variables() == 0 ? List.of() : List.of(c.name()));
                            } else {
                                b.text("Thank you for your order, " + c.name() + "!");
                            }
                            try {
                                m.send(b.build());
                            } catch (RuntimeException e) {
                                LOG.warn("Demo automation: the thank-you for deal {} was not recorded: {}", deal.id(), e.toString());
                            }
                        });
            }
        });
    }

    private Template thankYou() {
        Templates t = templates;
        try {
            return t == null ? null : t.list().stream().filter(x -> x.approved() && "thank_you".equals(x.name())
                    && x.variables() <= 1).findFirst().orElse(null);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
