package dev.crmbridge.wazzup.internal.sync;

import dev.crmbridge.wazzup.api.model.CrmContact;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.spi.Page;
import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.internal.client.WazzupClient;
import dev.crmbridge.wazzup.internal.client.WzContact;
import dev.crmbridge.wazzup.internal.store.Refs;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Contacts with their chat handles (§3): what webhooks name by chat. */
final class ContactType extends SyncedType<CrmContact, WzContact> {

    private final Payloads payloads;

    ContactType(Payloads payloads) {
        super(EntityType.CONTACT);
        this.payloads = payloads;
    }

    @Override
    public String id(CrmContact entity) {
        return entity.id();
    }

    @Override
    public List<CrmContact> read(CrmDirectory directory, Collection<String> keys) {
        return directory.contacts(keys);
    }

    @Override
    public Page<CrmContact> page(CrmDirectory directory, String cursor, int limit) {
        return directory.contacts(cursor, limit);
    }

    @Override
    public WzContact payload(CrmContact entity) {
        Limits.id("id", entity.id());
        Limits.id("responsibleUserId", entity.responsibleUserId());
        Limits.uri("uri", entity.uri());
        return payloads.contact(entity);
    }

    @Override
    public void upsert(WazzupClient client, List<WzContact> batch) {
        client.contacts().upsert(batch);
    }

    @Override
    public void delete(WazzupClient client, List<String> keys) {
        client.contacts().bulkDelete(keys);
    }

    @Override
    public Listed<WzContact> listed(WazzupClient client) {
        return Listed.of(client.contacts().listing(), WzContact::id);
    }

    @Override
    public boolean same(WzContact ours, WzContact listed) {
        return Listed.sameContact(ours, listed);
    }

    @Override
    public String unsendableCode() {
        return "CONTACT_WITHOUT_CHATS";
    }

    @Override
    public String unsendableWhy() {
        return "has no chat handle, so Wazzup cannot hold it";
    }

    @Override
    public Refs refs(WzContact payload) {
        return Payloads.refs(payload);
    }
}
