package dev.crmbridge.wazzup.itests;

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

/** A host CRM's directory held in memory, as a test registers it in the framework. Thread-safe. */
public final class ItDirectory implements CrmDirectory {

    final Map<String, CrmUser> users = new ConcurrentSkipListMap<>();
    final Map<String, CrmContact> contacts = new ConcurrentSkipListMap<>();
    final Map<String, CrmDeal> deals = new ConcurrentSkipListMap<>();
    final Map<String, Pipeline> pipelines = new ConcurrentSkipListMap<>();

    /** Users u0…, pipelines p0… with three stages, contacts c000000… (WhatsApp, every fifth also Telegram), deals d000000…. */
    public static ItDirectory generated(int users, int pipes, int contacts, int deals) {
        ItDirectory d = new ItDirectory();
        for (int i = 0; i < users; i++) {
            d.users.put("u" + i, new CrmUser("u" + i, "Manager " + i, i % 2 == 0 ? "+7 (900) 100-00-" + String.format("%02d", i) : null));
        }
        for (int p = 0; p < pipes; p++) {
            d.pipelines.put("p" + p, new Pipeline("p" + p, "Pipeline " + p, List.of(new Stage("p" + p + "s1", "New"),
                    new Stage("p" + p + "s2", "Talks"), new Stage("p" + p + "s3", "Won"))));
        }
        for (int i = 0; i < contacts; i++) {
            List<ChatHandle> chats = new ArrayList<>();
            chats.add(ChatHandle.whatsapp(String.format("+7 901 %03d-%02d-%02d", i / 10_000, (i / 100) % 100, i % 100)));
            if (i % 5 == 0) {
                chats.add(ChatHandle.telegramUsername("@client" + i));
            }
            String id = String.format("c%06d", i);
            d.contacts.put(id, new CrmContact(id, "u" + (i % Math.max(1, users)), "Client " + i, chats,
                    "https://crm.example.com/contacts/" + i));
        }
        for (int i = 0; i < deals; i++) {
            String id = String.format("d%06d", i);
            d.deals.put(id, new CrmDeal(id, "u" + (i % Math.max(1, users)), "Deal " + i,
                    List.of(String.format("c%06d", i % Math.max(1, contacts))), "https://crm.example.com/deals/" + i,
                    i % 7 == 0));
        }
        return d;
    }

    private static <T> List<T> byIds(Map<String, T> map, Collection<String> ids) {
        return ids.stream().map(map::get).filter(Objects::nonNull).toList();
    }

    @Override
    public List<CrmUser> users(Collection<String> ids) {
        return byIds(users, ids);
    }

    @Override
    public Page<CrmUser> users(String cursor, int limit) {
        return Page.of(new ArrayList<>(users.values()), cursor, limit);
    }

    @Override
    public List<CrmContact> contacts(Collection<String> ids) {
        return byIds(contacts, ids);
    }

    @Override
    public Page<CrmContact> contacts(String cursor, int limit) {
        return Page.of(new ArrayList<>(contacts.values()), cursor, limit);
    }

    @Override
    public List<CrmDeal> deals(Collection<String> ids) {
        return byIds(deals, ids);
    }

    @Override
    public Page<CrmDeal> deals(String cursor, int limit) {
        return Page.of(new ArrayList<>(deals.values()), cursor, limit);
    }

    @Override
    public List<Pipeline> pipelines() {
        return List.copyOf(pipelines.values());
    }
}
