package dev.crmbridge.wazzup.itests;

import dev.crmbridge.wazzup.api.model.CrmContact;
import dev.crmbridge.wazzup.api.model.CrmDeal;
import dev.crmbridge.wazzup.api.spi.CrmEntityFactory;
import dev.crmbridge.wazzup.api.spi.NewContactRequest;
import dev.crmbridge.wazzup.api.spi.NewDealRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A host's entity factory for tests: creates into an {@link ItDirectory} and keeps the requests. */
public final class ItFactory implements CrmEntityFactory {

    final ItDirectory crm;
    final List<Object> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger counter = new AtomicInteger();
    volatile RuntimeException failWith;

    public ItFactory(ItDirectory crm) {
        this.crm = crm;
    }

    @Override
    public CrmContact createContact(NewContactRequest request) {
        requests.add(request);
        if (failWith != null) {
            throw failWith;
        }
        String id = "new-c" + counter.incrementAndGet();
        CrmContact c = new CrmContact(id, request.responsibleUserId(), request.name(), request.chats(),
                "https://crm.example.com/contacts/" + id);
        crm.contacts.put(id, c);
        return c;
    }

    @Override
    public CrmDeal createDeal(NewDealRequest request) {
        requests.add(request);
        if (failWith != null) {
            throw failWith;
        }
        String id = "new-d" + counter.incrementAndGet();
        CrmDeal d = new CrmDeal(id, request.responsibleUserId(), "Deal from Wazzup", request.contactIds(),
                "https://crm.example.com/deals/" + id, false, request.pipelineId(), request.stageId());
        crm.deals.put(id, d);
        return d;
    }
}
