package dev.crmbridge.wazzup.itests;

import dev.crmbridge.wazzup.api.model.CrmContact;
import dev.crmbridge.wazzup.api.model.CrmDeal;
import dev.crmbridge.wazzup.api.model.CrmUser;
import dev.crmbridge.wazzup.api.model.Pipeline;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.spi.Page;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A host directory that misbehaves as a test asks: it throws for one contact id whenever a lookup names
 * it, or throws an {@link Error} once (as after a host bundle was refreshed), around an {@link ItDirectory}.
 */
public final class HookedDirectory implements CrmDirectory {

    final ItDirectory crm;
    /** Lookups of contacts that name this id throw. */
    volatile String poisonedContact;
    /** The next contacts lookup throws this, once. */
    volatile Error errorOnce;
    final AtomicInteger contactLookups = new AtomicInteger();

    public HookedDirectory(ItDirectory crm) {
        this.crm = crm;
    }

    @Override
    public List<CrmContact> contacts(Collection<String> ids) {
        contactLookups.incrementAndGet();
        Error e = errorOnce;
        if (e != null) {
            errorOnce = null;
            throw e;
        }
        String poison = poisonedContact;
        if (poison != null && ids.contains(poison)) {
            throw new IllegalStateException("the CRM cannot load contact " + poison);
        }
        return crm.contacts(ids);
    }

    @Override
    public Page<CrmContact> contacts(String cursor, int limit) {
        return crm.contacts(cursor, limit);
    }

    @Override
    public List<CrmUser> users(Collection<String> ids) {
        return crm.users(ids);
    }

    @Override
    public Page<CrmUser> users(String cursor, int limit) {
        return crm.users(cursor, limit);
    }

    @Override
    public List<CrmDeal> deals(Collection<String> ids) {
        return crm.deals(ids);
    }

    @Override
    public Page<CrmDeal> deals(String cursor, int limit) {
        return crm.deals(cursor, limit);
    }

    @Override
    public List<Pipeline> pipelines() {
        return crm.pipelines();
    }
}
