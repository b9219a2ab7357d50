package dev.crmbridge.wazzup.demo;

import dev.crmbridge.wazzup.api.event.CrmEvents;
import dev.crmbridge.wazzup.api.model.CrmContact;
import dev.crmbridge.wazzup.api.model.CrmDeal;
import dev.crmbridge.wazzup.api.model.CrmUser;
import dev.crmbridge.wazzup.api.model.Pipeline;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.spi.CrmEntityFactory;
import dev.crmbridge.wazzup.api.spi.NewContactRequest;
import dev.crmbridge.wazzup.api.spi.NewDealRequest;
import dev.crmbridge.wazzup.api.spi.Page;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.EventAdmin;

/**
 * The adapter an integrator writes, over the demo CRM's database: the connector reads through
 * {@link CrmDirectory}, creates through {@link CrmEntityFactory}, and hears of every committed change
 * through the events this class posts. The CRM's own pages change data only through here.
 */
@Component(service = {CrmDirectory.class, CrmEntityFactory.class, DemoCrm.class})
public final class DemoCrm implements CrmDirectory, CrmEntityFactory {

    private final DemoStore store;
    private final EventAdmin events;

    @Activate
    public DemoCrm(@Reference DemoStore store, @Reference EventAdmin events) {
        this.store = store;
        this.events = events;
    }

    DemoStore store() {
        return store;
    }

    // ------------------------------------------------------------------ CrmDirectory

    @Override
    public List<CrmUser> users(Collection<String> ids) {
        return store.crmUsers(ids);
    }

    @Override
    public Page<CrmUser> users(String cursor, int limit) {
        return Page.of(store.crmUsers(null), cursor, limit); // a handful: one list in memory
    }

    @Override
    public List<CrmContact> contacts(Collection<String> ids) {
        return store.contacts(ids).stream().map(store::toCrm).toList();
    }

    @Override
    public Page<CrmContact> contacts(String cursor, int limit) {
        // keyset paging: the cursor is the last id of the previous page
        List<DemoStore.Contact> page = store.contactsAfter(cursor, limit);
        return new Page<>(page.stream().map(store::toCrm).toList(),
                page.size() < limit ? null : page.get(page.size() - 1).id());
    }

    @Override
    public List<CrmDeal> deals(Collection<String> ids) {
        return store.deals(ids).stream().map(store::toCrm).toList();
    }

    @Override
    public Page<CrmDeal> deals(String cursor, int limit) {
        List<DemoStore.Deal> page = store.dealsAfter(cursor, limit);
        return new Page<>(page.stream().map(store::toCrm).toList(),
                page.size() < limit ? null : page.get(page.size() - 1).id());
    }

    @Override
    public List<Pipeline> pipelines() {
        return store.pipelines();
    }

    // ------------------------------------------------------------------ CrmEntityFactory (Wazzup asks)

    @Override
    public CrmContact createContact(NewContactRequest request) {
        if (request.requestKey() != null) {
            // asked again (the connector could not record the answer): the contact made then
            Optional<DemoStore.Contact> made = store.madeFor(request.requestKey()).flatMap(store::contact);
            if (made.isPresent()) {
                return store.toCrm(made.get());
            }
        }
        DemoStore.Contact c = new DemoStore.Contact(store.newId("c"), request.name() == null || request.name().isBlank()
                ? "New client" : request.name(), responsible(request.responsibleUserId()), null, null, request.chats());
        store.saveContact(c, request.requestKey());
        events.postEvent(CrmEvents.saved(CrmEvents.ENTITY_CONTACT, c.id())); // after the commit
        return store.toCrm(c);
    }

    @Override
    public CrmDeal createDeal(NewDealRequest request) {
        if (request.requestKey() != null) {
            Optional<DemoStore.Deal> made = store.madeFor(request.requestKey()).flatMap(store::deal);
            if (made.isPresent()) {
                return store.toCrm(made.get());
            }
        }
        String contactName = request.contactIds().isEmpty() ? null
                : store.contact(request.contactIds().get(0)).map(DemoStore.Contact::name).orElse(null);
        List<Pipeline> pipelines = store.pipelines();
        String pipelineId = request.pipelineId() != null ? request.pipelineId() : pipelines.get(0).id();
        String stageId = request.stageId() != null ? request.stageId() : pipelines.stream()
                .filter(p -> p.id().equals(pipelineId)).findFirst().orElse(pipelines.get(0)).stages().get(0).id();
        DemoStore.Deal d = new DemoStore.Deal(store.newId("d"), contactName == null ? "Deal from a chat"
                : "Deal with " + contactName, responsible(request.responsibleUserId()), pipelineId, stageId,
                BigDecimal.ZERO, false, request.contactIds());
        store.saveDeal(d, request.requestKey());
        events.postEvent(CrmEvents.saved(CrmEvents.ENTITY_DEAL, d.id())); // after the commit
        return store.toCrm(d);
    }

    private String responsible(String userId) {
        if (userId != null && store.user(userId).isPresent()) {
            return userId;
        }
        return store.users().stream().filter(u -> !u.admin()).findFirst().orElseThrow().id();
    }

    // ------------------------------------------------------------------ the CRM's own changes

    void saveContact(DemoStore.Contact c) {
        store.saveContact(c);
        events.postEvent(CrmEvents.saved(CrmEvents.ENTITY_CONTACT, c.id())); // after the commit
    }

    void deleteContact(String id) {
        List<String> deals = store.deleteContact(id);
        events.postEvent(CrmEvents.deleted(CrmEvents.ENTITY_CONTACT, id));
        if (!deals.isEmpty()) {
            events.postEvent(CrmEvents.savedAll(CrmEvents.ENTITY_DEAL, deals)); // they lost a contact
        }
    }

    void saveDeal(DemoStore.Deal d) {
        store.saveDeal(d);
        events.postEvent(CrmEvents.saved(CrmEvents.ENTITY_DEAL, d.id()));
    }

    void deleteDeal(String id) {
        store.deleteDeal(id);
        events.postEvent(CrmEvents.deleted(CrmEvents.ENTITY_DEAL, id));
    }
}
