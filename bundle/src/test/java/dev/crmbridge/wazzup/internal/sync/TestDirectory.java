package dev.crmbridge.wazzup.internal.sync;

import dev.crmbridge.wazzup.api.model.ChatHandle;
import dev.crmbridge.wazzup.api.model.CrmContact;
import dev.crmbridge.wazzup.api.model.CrmDeal;
import dev.crmbridge.wazzup.api.model.CrmUser;
import dev.crmbridge.wazzup.api.model.Pipeline;
import dev.crmbridge.wazzup.api.model.Stage;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.spi.Page;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A host CRM in memory for tests: thread-safe maps, call counting, and a switch to make it fail. */
final class TestDirectory implements CrmDirectory {

    final Map<String, CrmUser> users = new ConcurrentSkipListMap<>();
    final Map<String, CrmContact> contacts = new ConcurrentSkipListMap<>();
    final Map<String, CrmDeal> deals = new ConcurrentSkipListMap<>();
    final Map<String, Pipeline> pipelines = new ConcurrentSkipListMap<>();
    final AtomicInteger lookups = new AtomicInteger();
    volatile RuntimeException failWith;
    /** The next lookup by ids throws this, once. */
    volatile Error errorOnce;
    /** Lookups by ids that name this id throw. */
    volatile String poisoned;
    /** Lookups by ids that name this id throw a StackOverflowError (an Error of that entity's own). */
    volatile String overflowing;
    /** Lookups by ids answer null in place of this id's entity. */
    volatile String answeredNull;
    /** Listings of contacts answer the first page again and again (a cursor that never advances). */
    volatile boolean stuckContactCursor;

    /** A host with {@code users} managers, {@code pipes} pipelines of 3 stages, contacts and deals. */
    static TestDirectory generated(int users, int pipes, int contacts, int deals) {
        TestDirectory d = new TestDirectory();
        for (int i = 0; i < users; i++) {
            d.put(new CrmUser("u" + i, "Manager " + i, i % 2 == 0 ? "+7 (900) 000-00-" + String.format("%02d", i) : null));
        }
        for (int p = 0; p < pipes; p++) {
            d.put(new Pipeline("p" + p, "Pipeline " + p, List.of(new Stage("p" + p + "s1", "New"),
                    new Stage("p" + p + "s2", "Talks"), new Stage("p" + p + "s3", "Won"))));
        }
        for (int i = 0; i < contacts; i++) {
            List<ChatHandle> chats = new ArrayList<>();
            chats.add(ChatHandle.whatsapp(String.format("+7 901 %03d-%02d-%02d", i / 10_000, (i / 100) % 100, i % 100)));
            if (i % 5 == 0) {
                chats.add(ChatHandle.telegramUsername("@client" + i));
            }
            d.put(new CrmContact(String.format("c%06d", i), "u" + (i % Math.max(1, users)), "Client " + i, chats,
                    "https://crm.example.com/contacts/" + i));
        }
        for (int i = 0; i < deals; i++) {
            d.put(new CrmDeal(String.format("d%06d", i), "u" + (i % Math.max(1, users)), "Deal " + i,
                    List.of(String.format("c%06d", i % Math.max(1, contacts))), "https://crm.example.com/deals/" + i,
                    i % 7 == 0, "p0", "p0s1"));
        }
        return d;
    }

    void put(CrmUser u) {
        users.put(u.id(), u);
    }

    void put(CrmContact c) {
        contacts.put(c.id(), c);
    }

    void put(CrmDeal d) {
        deals.put(d.id(), d);
    }

    void put(Pipeline p) {
        pipelines.put(p.id(), p);
    }

    private <T> List<T> byIds(Map<String, T> map, Collection<String> ids) {
        check();
        lookups.incrementAndGet();
        Error e = errorOnce;
        if (e != null) {
            errorOnce = null;
            throw e;
        }
        String p = poisoned;
        if (p != null && ids.contains(p)) {
            throw new IllegalStateException("cannot load " + p);
        }
        String o = overflowing;
        if (o != null && ids.contains(o)) {
            throw new StackOverflowError("nested too deep: " + o);
        }
        String n = answeredNull;
        List<T> out = new ArrayList<>();
        for (String id : ids) {
            T v = map.get(id);
            if (id.equals(n)) {
                out.add(null);
            } else if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    /** The last listing of each map, reused while the map is unchanged (a host would page in its database). */
    private final Map<Map<String, ?>, List<?>> listings = new java.util.IdentityHashMap<>();
    private final Map<Map<String, ?>, Integer> listedSizes = new java.util.IdentityHashMap<>();

    @SuppressWarnings("unchecked")
    private synchronized <T> Page<T> page(Map<String, T> map, String cursor, int limit) {
        check();
        List<T> all = (List<T>) listings.get(map);
        if (all == null || cursor == null || listedSizes.get(map) != map.size()) {
            all = new ArrayList<>(map.values());
            listings.put(map, all);
            listedSizes.put(map, map.size());
        }
        return Page.of(all, cursor, limit);
    }

    private void check() {
        RuntimeException e = failWith;
        if (e != null) {
            throw e;
        }
    }

    @Override
    public List<CrmUser> users(Collection<String> ids) {
        return byIds(users, ids);
    }

    @Override
    public Page<CrmUser> users(String cursor, int limit) {
        return page(users, cursor, limit);
    }

    @Override
    public List<CrmContact> contacts(Collection<String> ids) {
        return byIds(contacts, ids);
    }

    @Override
    public Page<CrmContact> contacts(String cursor, int limit) {
        if (stuckContactCursor) {
            Page<CrmContact> first = page(contacts, null, limit);
            return new Page<>(first.items(), first.nextCursor() == null ? null : "stuck");
        }
        return page(contacts, cursor, limit);
    }

    @Override
    public List<CrmDeal> deals(Collection<String> ids) {
        return byIds(deals, ids);
    }

    @Override
    public Page<CrmDeal> deals(String cursor, int limit) {
        return page(deals, cursor, limit);
    }

    @Override
    public List<Pipeline> pipelines() {
        check();
        return List.copyOf(pipelines.values());
    }
}
