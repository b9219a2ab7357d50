package dev.crmbridge.wazzup.internal.sync;

import dev.crmbridge.wazzup.api.model.CrmDeal;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.spi.Page;
import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.internal.client.WazzupClient;
import dev.crmbridge.wazzup.internal.client.WzDeal;
import dev.crmbridge.wazzup.internal.store.Refs;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Deals (§4): each waits until Wazzup holds its contacts. */
final class DealType extends SyncedType<CrmDeal, WzDeal> {

    private final Payloads payloads;
    private final ContactType contacts;

    DealType(Payloads payloads, ContactType contacts) {
        super(EntityType.DEAL);
        this.payloads = payloads;
        this.contacts = contacts;
    }

    @Override
    public String id(CrmDeal entity) {
        return entity.id();
    }

    @Override
    public List<CrmDeal> read(CrmDirectory directory, Collection<String> keys) {
        return directory.deals(keys);
    }

    @Override
    public Page<CrmDeal> page(CrmDirectory directory, String cursor, int limit) {
        return directory.deals(cursor, limit);
    }

    @Override
    public WzDeal payload(CrmDeal entity) {
        Limits.id("id", entity.id());
        Limits.id("responsibleUserId", entity.responsibleUserId());
        Limits.ids("contacts", entity.contactIds());
        Limits.uri("uri", entity.uri());
        return payloads.deal(entity);
    }

    @Override
    public void upsert(WazzupClient client, List<WzDeal> batch) {
        client.deals().upsert(batch);
    }

    @Override
    public void delete(WazzupClient client, List<String> keys) {
        client.deals().bulkDelete(keys);
    }

    @Override
    public Listed<WzDeal> listed(WazzupClient client) {
        return Listed.of(client.deals().listing(), WzDeal::id);
    }

    @Override
    public boolean same(WzDeal ours, WzDeal listed) {
        return Listed.sameDeal(ours, listed);
    }

    @Override
    public Refs refs(WzDeal payload) {
        return Payloads.refs(payload);
    }

    @Override
    public SyncedType<?, ?> needs() {
        return contacts;
    }

    @Override
    public Collection<String> needed(WzDeal payload) {
        return payload.contacts();
    }
}
