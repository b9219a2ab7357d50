package dev.crmbridge.wazzup.demo;

import dev.crmbridge.wazzup.api.model.ChatHandle;
import dev.crmbridge.wazzup.api.model.Pipeline;
import dev.crmbridge.wazzup.api.model.Stage;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The demo CRM's first data, the same on every machine: an administrator and five managers, two
 * pipelines, 300 contacts (WhatsApp phones, some also on Telegram) and 220 deals.
 */
final class DemoSeed {

    static final int CONTACTS = 300;
    static final int DEALS = 220;

    private static final String[] FIRST = {"Alexei", "Maria", "Ivan", "Olga", "Pavel", "Natalia", "Sergei", "Ekaterina",
        "Andrei", "Tatiana", "Mikhail", "Irina", "Nikolai", "Svetlana", "Artem", "Yulia", "Roman", "Daria", "Kirill",
        "Anastasia", "Lucas", "Mariana", "Gabriel", "Beatriz", "Rafael", "Camila"};
    private static final String[] LAST = {"Ivanov", "Petrova", "Sidorov", "Kuznetsova", "Popov", "Vasilieva", "Sokolov",
        "Mikhailova", "Novikov", "Fedorova", "Morozov", "Volkova", "Alekseev", "Lebedeva", "Semenov", "Egorova", "Silva",
        "Santos", "Oliveira", "Souza", "Costa", "Pereira"};
    private static final String[] COMPANY = {"Northwind Furniture", "Volga Logistics", "Siberian Timber", "Ural Steelworks",
        "Baltic Fisheries", "Kazan Textiles", "Neva Print", "Altai Honey", "Don Agro", "Rio Verde Café", "Sol Mobili",
        "Kama Motors", "Amur Travel", "Oka Dental", "Taiga Outdoor", null, null, null, null, null};
    private static final String[] GOODS = {"Sofa", "Office chairs", "Kitchen set", "Wardrobe", "Conference table",
        "Delivery contract", "Annual service", "Spare parts", "Bulk order", "Showroom display", "Custom bed",
        "Reception desk"};

    private DemoSeed() {
    }

    static void seed(DemoStore store) {
        List<DemoStore.User> users = List.of(
                new DemoStore.User("u-admin", "Sergei Orlov", "+7 900 100-00-01", true),
                new DemoStore.User("u-anna", "Anna Kuznetsova", "+7 900 100-00-02", false),
                new DemoStore.User("u-dmitry", "Dmitry Volkov", "+7 900 100-00-03", false),
                new DemoStore.User("u-elena", "Elena Morozova", "+7 900 100-00-04", false),
                new DemoStore.User("u-igor", "Igor Pavlov", null, false),
                new DemoStore.User("u-olga", "Olga Smirnova", "+7 900 100-00-06", false));
        users.forEach(store::saveUser);
        List<String> managers = users.stream().filter(u -> !u.admin()).map(DemoStore.User::id).toList();

        Pipeline sales = new Pipeline("p-sales", "Sales", List.of(new Stage("s-new", "New lead"),
                new Stage("s-qualified", "Qualified"), new Stage("s-proposal", "Proposal"),
                new Stage("s-negotiation", "Negotiation"), new Stage("s-won", "Won")));
        Pipeline renewals = new Pipeline("p-renewals", "Renewals", List.of(new Stage("s-due", "Due"),
                new Stage("s-contacted", "Contacted"), new Stage("s-renewed", "Renewed")));
        store.savePipeline(sales, 0);
        store.savePipeline(renewals, 1);

        Random random = new Random(20261125L);
        List<DemoStore.Contact> contacts = new ArrayList<>();
        for (int i = 0; i < CONTACTS; i++) {
            String first = FIRST[random.nextInt(FIRST.length)];
            String last = LAST[random.nextInt(LAST.length)];
            String phone = String.format("+7 9%02d %03d-%02d-%02d", 10 + random.nextInt(89), random.nextInt(1000),
                    random.nextInt(100), i % 100);
            List<ChatHandle> chats = new ArrayList<>();
            chats.add(ChatHandle.whatsapp(phone));
            if (random.nextInt(10) < 3) {
                chats.add(ChatHandle.telegramUsername("@" + (first + "_" + last).toLowerCase(Locale.ROOT) + i));
            }
            String company = COMPANY[random.nextInt(COMPANY.length)];
            DemoStore.Contact c = new DemoStore.Contact(String.format("c%04d", 1001 + i), first + " " + last,
                    managers.get(i % managers.size()), company,
                    (first + "." + last).toLowerCase(Locale.ROOT) + "@" + (company == null ? "mail.example"
                            : company.toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "") + ".example"), chats);
            store.saveContact(c);
            contacts.add(c);
        }
        for (int i = 0; i < DEALS; i++) {
            DemoStore.Contact c = contacts.get((i * 7) % contacts.size());
            boolean renewal = i % 4 == 3;
            Pipeline p = renewal ? renewals : sales;
            Stage stage = p.stages().get(random.nextInt(p.stages().size()));
            boolean closed = random.nextInt(100) < 15;
            List<String> people = new ArrayList<>(List.of(c.id()));
            if (i % 10 == 0) {
                people.add(contacts.get((i * 7 + 1) % contacts.size()).id());
            }
            String name = GOODS[random.nextInt(GOODS.length)] + (c.company() == null ? " for " + c.name() : " — " + c.company());
            store.saveDeal(new DemoStore.Deal(String.format("d%04d", 2001 + i), name, c.responsibleUserId(), p.id(),
                    stage.id(), BigDecimal.valueOf(5_000 + random.nextInt(400) * 500L), closed, people));
        }
    }
}
