package dev.crmbridge.wazzup.internal.sync;

import dev.crmbridge.wazzup.api.model.CrmUser;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.spi.Page;
import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.internal.client.WazzupClient;
import dev.crmbridge.wazzup.internal.client.WzUser;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** CRM users as Wazzup users (§2): sent first, since contacts and deals name them. */
final class UserType extends SyncedType<CrmUser, WzUser> {

    private final Payloads payloads;

    UserType(Payloads payloads) {
        super(EntityType.USER);
        this.payloads = payloads;
    }

    @Override
    public String id(CrmUser entity) {
        return entity.id();
    }

    @Override
    public List<CrmUser> read(CrmDirectory directory, Collection<String> keys) {
        return directory.users(keys);
    }

    @Override
    public Page<CrmUser> page(CrmDirectory directory, String cursor, int limit) {
        return directory.users(cursor, limit);
    }

    @Override
    public WzUser payload(CrmUser entity) {
        Limits.id("id", entity.id());
        return payloads.user(entity);
    }

    @Override
    public void upsert(WazzupClient client, List<WzUser> batch) {
        client.users().upsert(batch);
    }

    @Override
    public void delete(WazzupClient client, List<String> keys) {
        client.users().bulkDelete(keys);
    }

    @Override
    public Listed<WzUser> listed(WazzupClient client) {
        return Listed.of(client.users().listing(), WzUser::id);
    }

    @Override
    public boolean same(WzUser ours, WzUser listed) {
        return Listed.sameUser(ours, listed);
    }

    /** The list omits phones. */
    @Override
    public boolean listingIsPartial() {
        return true;
    }
}
