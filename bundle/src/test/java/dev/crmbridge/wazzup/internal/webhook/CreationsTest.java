package dev.crmbridge.wazzup.internal.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crmbridge.wazzup.api.IntegrationScheme;
import dev.crmbridge.wazzup.api.model.ChatHandle;
import dev.crmbridge.wazzup.api.model.CrmContact;
import dev.crmbridge.wazzup.api.model.CrmDeal;
import dev.crmbridge.wazzup.api.model.CrmUser;
import dev.crmbridge.wazzup.api.model.Pipeline;
import dev.crmbridge.wazzup.api.spi.CreationSource;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.spi.CrmEntityFactory;
import dev.crmbridge.wazzup.api.spi.NewContactRequest;
import dev.crmbridge.wazzup.api.spi.NewDealRequest;
import dev.crmbridge.wazzup.api.spi.Page;
import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.internal.client.Json;
import dev.crmbridge.wazzup.internal.client.WzContact;
import dev.crmbridge.wazzup.internal.store.CreationsTable.Creation;
import dev.crmbridge.wazzup.internal.store.FaultyDataSource;
import dev.crmbridge.wazzup.internal.store.RefsTable.ChatOwners;
import dev.crmbridge.wazzup.internal.store.Schema;
import dev.crmbridge.wazzup.internal.store.Store;
import dev.crmbridge.wazzup.internal.store.StoreHandle;
import dev.crmbridge.wazzup.internal.sync.Payloads;
import dev.crmbridge.wazzup.internal.sync.PhoneRules;
import dev.crmbridge.wazzup.internal.webhook.Creations.Answer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wazzup's {@code createContact} / {@code createDeal} (§8.6) against a real store: answered in Wazzup's
 * shape, recorded before the factory is asked, repeats answered without asking again, and a store failure
 * after the factory made something answered 503 with a retry that gives the factory the same key.
 */
class CreationsTest {

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();
    private final SettableClock clock = new SettableClock(Instant.parse("2025-05-06T10:00:00Z"));
    private final Payloads payloads = new Payloads(PhoneRules.NONE);

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    // ------------------------------------------------------------------ fixtures

    /** A clock the test moves. */
    static final class SettableClock extends Clock {
        private volatile Instant now;

        SettableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** The CRM's records: what the factory made, as the directory reads them. */
    static final class Crm implements CrmDirectory {
        final Map<String, CrmContact> contacts = new ConcurrentHashMap<>();
        final Map<String, CrmDeal> deals = new ConcurrentHashMap<>();

        @Override
        public List<CrmUser> users(Collection<String> ids) {
            return List.of();
        }

        @Override
        public Page<CrmUser> users(String cursor, int limit) {
            return Page.of(List.of(), cursor, limit);
        }

        @Override
        public List<CrmContact> contacts(Collection<String> ids) {
            return ids.stream().map(contacts::get).filter(Objects::nonNull).toList();
        }

        @Override
        public Page<CrmContact> contacts(String cursor, int limit) {
            return Page.of(List.copyOf(contacts.values()), cursor, limit);
        }

        @Override
        public List<CrmDeal> deals(Collection<String> ids) {
            return ids.stream().map(deals::get).filter(Objects::nonNull).toList();
        }

        @Override
        public Page<CrmDeal> deals(String cursor, int limit) {
            return Page.of(List.copyOf(deals.values()), cursor, limit);
        }

        @Override
        public List<Pipeline> pipelines() {
            return List.of();
        }
    }

    /** A factory that makes entities in the {@link Crm}; it honours requestKey unless told not to. */
    static final class Factory implements CrmEntityFactory {
        final Crm crm;
        final boolean honoursKey;
        final List<NewContactRequest> contactRequests = new ArrayList<>();
        final List<NewDealRequest> dealRequests = new ArrayList<>();
        final Map<String, String> madeFor = new ConcurrentHashMap<>();
        final AtomicInteger next = new AtomicInteger();
        volatile RuntimeException fail;

        Factory(Crm crm, boolean honoursKey) {
            this.crm = crm;
            this.honoursKey = honoursKey;
        }

        @Override
        public synchronized CrmContact createContact(NewContactRequest request) {
            contactRequests.add(request);
            if (fail != null) {
                throw fail;
            }
            if (honoursKey && request.requestKey() != null && madeFor.containsKey(request.requestKey())) {
                return crm.contacts.get(madeFor.get(request.requestKey()));
            }
            CrmContact c = new CrmContact("c-" + next.incrementAndGet(), request.responsibleUserId(), request.name(),
                    request.chats(), "https://crm.example.com/contacts/c-" + next.get());
            crm.contacts.put(c.id(), c);
            if (request.requestKey() != null) {
                madeFor.put(request.requestKey(), c.id());
            }
            return c;
        }

        @Override
        public synchronized CrmDeal createDeal(NewDealRequest request) {
            dealRequests.add(request);
            if (fail != null) {
                throw fail;
            }
            if (honoursKey && request.requestKey() != null && madeFor.containsKey(request.requestKey())) {
                return crm.deals.get(madeFor.get(request.requestKey()));
            }
            String id = "d-" + next.incrementAndGet();
            CrmDeal d = new CrmDeal(id, request.responsibleUserId(), "Deal " + id, request.contactIds(),
                    "https://crm.example.com/deals/" + id, false, request.pipelineId(), request.stageId());
            crm.deals.put(id, d);
            if (request.requestKey() != null) {
                madeFor.put(request.requestKey(), id);
            }
            return d;
        }
    }

    private Store embeddedStore(String name) {
        StoreHandle h = StoreHandle.embedded(dir.resolve(name).toFile(), "default");
        open.add(h);
        return h.store();
    }

    private Store faultyStore(FaultyDataSource ds) {
        StoreHandle h = StoreHandle.of(ds, "default");
        open.add(h);
        return h.store();
    }

    private Creations creations(Store store, Supplier<CrmEntityFactory> factory, Crm crm, IntegrationScheme scheme) {
        return new Creations(store, factory, () -> crm, payloads, scheme, "p-1", "s-1", clock);
    }

    private Creations creations(Store store, Factory factory) {
        return creations(store, () -> factory, factory.crm, IntegrationScheme.CLIENT_MANAGEMENT);
    }

    private static JsonNode json(String singleQuoted) {
        try {
            return Json.mapper().readTree(singleQuoted.replace('\'', '"'));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode body(Answer a) {
        return Json.mapper().valueToTree(a.body());
    }

    private static final String CONTACT_REQUEST = "{'responsibleUserId':'u-1','name':'Anna',"
            + "'contactData':[{'chatType':'whatsapp','chatId':'79011112233'}],'source':'auto'}";

    private static final String TWO_CHATS = "{'responsibleUserId':'u-1','name':'Anna','contactData':["
            + "{'chatType':'whatsapp','chatId':'79011112233'},{'chatType':'telegram','username':'anna_tg'}],'source':'auto'}";

    private static final String TWO_CHATS_REVERSED = "{'responsibleUserId':'u-1','name':'Anna','contactData':["
            + "{'chatType':'telegram','username':'anna_tg'},{'chatType':'whatsapp','chatId':'79011112233'}],'source':'auto'}";

    private static final String DEAL_REQUEST = "{'responsibleUserId':'u-1','contacts':['c-1'],'source':'auto'}";

    // ------------------------------------------------------------------ createContact

    @Test
    void createContactAnswersTheContactInWazzupsShapeAndRecordsIt() {
        Store store = embeddedStore("s");
        Factory factory = new Factory(new Crm(), true);
        Answer a = creations(store, factory).createContact(json(CONTACT_REQUEST));

        assertThat(a.status()).isEqualTo(200);
        JsonNode b = body(a);
        assertThat(b.get("id").asText()).isEqualTo("c-1");
        assertThat(b.get("responsibleUserId").asText()).isEqualTo("u-1");
        assertThat(b.get("name").asText()).isEqualTo("Anna");
        assertThat(b.get("uri").asText()).isEqualTo("https://crm.example.com/contacts/c-1");
        assertThat(b.get("contactData")).isEqualTo(json("[{'chatType':'whatsapp','chatId':'79011112233'}]"));
        // the shape of the CRUD routes (§3.1): nothing else
        List<String> fields = new ArrayList<>();
        b.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactlyInAnyOrder("id", "responsibleUserId", "name", "contactData", "uri");

        NewContactRequest seen = factory.contactRequests.get(0);
        assertThat(seen.responsibleUserId()).isEqualTo("u-1");
        assertThat(seen.name()).isEqualTo("Anna");
        assertThat(seen.source()).isEqualTo(CreationSource.AUTO);
        assertThat(seen.chats()).singleElement().satisfies(h -> {
            assertThat(h.chatType()).isEqualTo("whatsapp");
            assertThat(h.chatId()).isEqualTo("79011112233");
        });

        // recorded: webhook events of this chat name the contact and its responsible user
        ChatOwners owners = store.refs().chatOwners("whatsapp", List.of("79011112233"));
        assertThat(owners.contactIds()).containsExactly("c-1");
        assertThat(owners.userIds()).containsExactly("u-1");
        Creation c = store.creations().find(seen.requestKey());
        assertThat(c).isNotNull();
        assertThat(c.answered()).isTrue();
        assertThat(c.entityId()).isEqualTo("c-1");
    }

    @Test
    void aRepeatedCreateContactIsAnsweredWithTheSameContactWithoutAskingTheFactory() {
        Store store = embeddedStore("s");
        Factory factory = new Factory(new Crm(), true);
        Creations creations = creations(store, factory);

        Answer first = creations.createContact(json(CONTACT_REQUEST));
        Answer again = creations.createContact(json(CONTACT_REQUEST));

        assertThat(again.status()).isEqualTo(200);
        assertThat(body(again).get("id").asText()).isEqualTo(body(first).get("id").asText());
        assertThat(body(again)).isEqualTo(body(first));
        assertThat(factory.contactRequests).hasSize(1);
        assertThat(factory.crm.contacts).hasSize(1);
    }

    @Test
    void theFactoryGetsAStableRequestKeyThatDoesNotDependOnTheOrderOfTheChats() {
        Factory one = new Factory(new Crm(), true);
        Factory other = new Factory(new Crm(), true);
        assertThat(creations(embeddedStore("a"), one).createContact(json(TWO_CHATS)).status()).isEqualTo(200);
        assertThat(creations(embeddedStore("b"), other).createContact(json(TWO_CHATS_REVERSED)).status()).isEqualTo(200);

        String key = one.contactRequests.get(0).requestKey();
        assertThat(key).isNotBlank();
        assertThat(key.length()).isLessThanOrEqualTo(Schema.REQUEST_KEY);
        assertThat(other.contactRequests.get(0).requestKey()).isEqualTo(key);

        // another chat is another request
        Factory third = new Factory(new Crm(), true);
        creations(embeddedStore("c"), third).createContact(json(CONTACT_REQUEST));
        assertThat(third.contactRequests.get(0).requestKey()).isNotEqualTo(key);
    }

    @Test
    void aRepeatOfTheSameChatsInAnotherOrderIsTheSameRequest() {
        Store store = embeddedStore("s");
        Factory factory = new Factory(new Crm(), true);
        Creations creations = creations(store, factory);
        Answer first = creations.createContact(json(TWO_CHATS));
        Answer again = creations.createContact(json(TWO_CHATS_REVERSED));
        assertThat(again.status()).isEqualTo(200);
        assertThat(body(again).get("id")).isEqualTo(body(first).get("id"));
        assertThat(factory.contactRequests).hasSize(1);
    }

    @Test
    void aStoreFailureAfterTheFactoryIsA503AndTheRetryGetsTheSameContact() {
        FaultyDataSource ds = new FaultyDataSource("creations-" + UUID.randomUUID());
        Store store = faultyStore(ds);
        Factory factory = new Factory(new Crm(), true);
        Creations creations = creations(store, factory);

        ds.fail(sql -> sql.contains("UPDATE wz_created"), 1);
        Answer failed = creations.createContact(json(CONTACT_REQUEST));
        assertThat(ds.failed()).isEqualTo(1);
        assertThat(failed.status()).isEqualTo(503);
        assertThat(factory.contactRequests).as("the factory had committed").hasSize(1);
        assertThat(store.refs().chatOwners("whatsapp", List.of("79011112233"))).isEqualTo(ChatOwners.NONE);

        Answer retry = creations.createContact(json(CONTACT_REQUEST));
        assertThat(retry.status()).isEqualTo(200);
        assertThat(body(retry).get("id").asText()).isEqualTo("c-1");
        assertThat(factory.contactRequests).hasSize(2);
        assertThat(factory.contactRequests.get(1).requestKey()).isNotNull()
                .isEqualTo(factory.contactRequests.get(0).requestKey());
        assertThat(factory.crm.contacts).as("a factory that honours the key made one contact").hasSize(1);
        assertThat(store.refs().chatOwners("whatsapp", List.of("79011112233")).contactIds()).containsExactly("c-1");

        // and from now on it is a plain repeat
        assertThat(body(creations.createContact(json(CONTACT_REQUEST))).get("id").asText()).isEqualTo("c-1");
        assertThat(factory.contactRequests).hasSize(2);
    }

    @Test
    void aFactoryThatIgnoresTheKeyMakesTwoContactsThoughItGotTheSameKeyTwice() {
        FaultyDataSource ds = new FaultyDataSource("creations-" + UUID.randomUUID());
        Store store = faultyStore(ds);
        Factory careless = new Factory(new Crm(), false);
        Creations creations = creations(store, careless);

        ds.fail(sql -> sql.contains("UPDATE wz_created"), 1);
        assertThat(creations.createContact(json(CONTACT_REQUEST)).status()).isEqualTo(503);
        Answer retry = creations.createContact(json(CONTACT_REQUEST));

        assertThat(retry.status()).isEqualTo(200);
        assertThat(careless.crm.contacts).hasSize(2);
        assertThat(careless.contactRequests).extracting(NewContactRequest::requestKey).doesNotContainNull()
                .containsOnly(careless.contactRequests.get(0).requestKey());
    }

    @Test
    void aContactSyncedFromTheCrmIsAnsweredWithoutAskingTheFactory() {
        Store store = embeddedStore("s");
        Factory factory = new Factory(new Crm(), true);
        CrmContact synced = new CrmContact("crm-7", "u-3", "Anna", List.of(ChatHandle.whatsapp("+7 (901) 111-22-33")), null);
        factory.crm.contacts.put(synced.id(), synced);
        WzContact p = payloads.contact(synced);
        store.aligned(EntityType.CONTACT, Map.of(synced.id(), Payloads.hash(p)), Map.of(synced.id(), Payloads.refs(p)),
                clock.millis());

        Answer a = creations(store, factory).createContact(json(CONTACT_REQUEST));
        assertThat(a.status()).isEqualTo(200);
        assertThat(body(a).get("id").asText()).isEqualTo("crm-7");
        assertThat(body(a).get("responsibleUserId").asText()).isEqualTo("u-3");
        assertThat(factory.contactRequests).isEmpty();
    }

    @Test
    void aStoreFailureBeforeTheFactoryIsA503AndTheFactoryIsNotAsked() {
        FaultyDataSource ds = new FaultyDataSource("creations-" + UUID.randomUUID());
        Store store = faultyStore(ds);
        Factory factory = new Factory(new Crm(), true);
        Creations creations = creations(store, factory);

        ds.fail(sql -> sql.contains("INSERT INTO wz_created"), 1);
        Answer a = creations.createContact(json(CONTACT_REQUEST));
        assertThat(a.status()).isEqualTo(503);
        assertThat(body(a).get("error").asText()).isEqualTo("UNAVAILABLE");
        assertThat(factory.contactRequests).isEmpty();

        assertThat(creations.createContact(json(CONTACT_REQUEST)).status()).isEqualTo(200);
        assertThat(factory.contactRequests).hasSize(1);
    }

    @Test
    void aFactoryThatThrowsIsA500AndNothingIsAnswered() {
        Store store = embeddedStore("s");
        Factory factory = new Factory(new Crm(), true);
        factory.fail = new IllegalStateException("the CRM's database is read-only");
        Creations creations = creations(store, factory);

        Answer a = creations.createContact(json(CONTACT_REQUEST));
        assertThat(a.status()).isEqualTo(500);
        assertThat(body(a).get("error").asText()).isEqualTo("CRM_FAILED");
        assertThat(body(a).toString()).doesNotContain("read-only");
        String key = factory.contactRequests.get(0).requestKey();
        Creation c = store.creations().find(key);
        assertThat(c == null || !c.answered()).as("not answered: %s", c).isTrue();
        assertThat(store.refs().chatOwners("whatsapp", List.of("79011112233"))).isEqualTo(ChatOwners.NONE);

        // Wazzup asks again: the factory is asked again, with the same key
        factory.fail = null;
        Answer retry = creations.createContact(json(CONTACT_REQUEST));
        assertThat(retry.status()).isEqualTo(200);
        assertThat(factory.contactRequests).hasSize(2);
        assertThat(factory.contactRequests.get(1).requestKey()).isEqualTo(key);
    }

    @Test
    void withoutAFactoryItIs503() {
        Store store = embeddedStore("s");
        Crm crm = new Crm();
        Creations creations = creations(store, () -> null, crm, IntegrationScheme.CLIENT_MANAGEMENT);
        Answer contact = creations.createContact(json(CONTACT_REQUEST));
        assertThat(contact.status()).isEqualTo(503);
        assertThat(body(contact).get("error").asText()).isEqualTo("NO_ENTITY_FACTORY");
        assertThat(creations.createDeal(json(DEAL_REQUEST)).status()).isEqualTo(503);
    }

    @Test
    void aContactRequestWithoutResponsibleUserOrChatsIs400() {
        Store store = embeddedStore("s");
        Factory factory = new Factory(new Crm(), true);
        Creations creations = creations(store, factory);
        for (String bad : List.of(
                "{'name':'Anna','contactData':[{'chatType':'whatsapp','chatId':'79011112233'}]}",
                "{'responsibleUserId':null,'name':'Anna','contactData':[{'chatType':'whatsapp','chatId':'79011112233'}]}",
                "{'responsibleUserId':'u-1','name':'Anna'}",
                "{'responsibleUserId':'u-1','name':'Anna','contactData':[]}",
                "{'responsibleUserId':'u-1','name':'Anna','contactData':[{'chatId':'79011112233'}]}",
                "{'responsibleUserId':'u-1','name':'Anna','contactData':[{'chatType':' ','chatId':'79011112233'}]}")) {
            Answer a = creations.createContact(json(bad));
            assertThat(a.status()).as(bad).isEqualTo(400);
            assertThat(body(a).get("error").asText()).isEqualTo("INVALID_REQUEST");
        }
        assertThat(factory.contactRequests).isEmpty();
    }

    /**
     * A chat without any id (§3.1: {@code chatId} is required, Telegram may give {@code username} or
     * {@code phone} instead) names no client: such contactData is as good as missing. Taking it would ask
     * the CRM for a contact Wazzup cannot hold, and every such request would share the request key
     * {@code contact:whatsapp:} and so be answered with the first one's contact.
     */
    @Test
    void aContactRequestWhoseChatsHaveNoIdIs400() {
        Store store = embeddedStore("s");
        Factory factory = new Factory(new Crm(), true);
        Creations creations = creations(store, factory);
        for (String bad : List.of(
                "{'responsibleUserId':'u-1','name':'Anna','contactData':[{'chatType':'whatsapp'}]}",
                "{'responsibleUserId':'u-2','name':'Boris','contactData':[{'chatType':'whatsapp','chatId':''}]}",
                "{'responsibleUserId':'u-1','name':'Vera','contactData':[{'chatType':'telegram','username':null}]}")) {
            Answer a = creations.createContact(json(bad));
            assertThat(a.status()).as(bad).isEqualTo(400);
        }
        assertThat(factory.contactRequests).isEmpty();
    }

    // ------------------------------------------------------------------ createDeal

    @Test
    void createDealAnswersTheDealInWazzupsShapeAndRecordsIt() {
        Store store = embeddedStore("s");
        Factory factory = new Factory(new Crm(), true);
        Creations creations = creations(store, factory);
        creations.createContact(json(CONTACT_REQUEST)); // c-1

        Answer a = creations.createDeal(json(DEAL_REQUEST));
        assertThat(a.status()).isEqualTo(200);
        JsonNode b = body(a);
        assertThat(b.get("id").asText()).isEqualTo("d-2");
        assertThat(b.get("responsibleUserId").asText()).isEqualTo("u-1");
        assertThat(b.get("contacts")).isEqualTo(json("['c-1']"));
        assertThat(b.get("uri").asText()).isEqualTo("https://crm.example.com/deals/d-2");
        assertThat(b.get("closed").asBoolean()).isFalse();
        assertThat(b.get("name").asText()).isEqualTo("Deal d-2");

        NewDealRequest seen = factory.dealRequests.get(0);
        assertThat(seen.pipelineId()).isEqualTo("p-1");
        assertThat(seen.stageId()).isEqualTo("s-1");
        assertThat(seen.source()).isEqualTo(CreationSource.AUTO);
        assertThat(seen.requestKey()).isNotBlank();
        assertThat(seen.requestKey().length()).isLessThanOrEqualTo(Schema.REQUEST_KEY);
        assertThat(store.refs().chatOwners("whatsapp", List.of("79011112233")).dealIds()).containsExactly("d-2");
    }

    @Test
    void createDealUnderContactsOnlyIs400() {
        Store store = embeddedStore("s");
        Factory factory = new Factory(new Crm(), true);
        Answer a = creations(store, () -> factory, factory.crm, IntegrationScheme.CONTACTS_ONLY).createDeal(json(DEAL_REQUEST));
        assertThat(a.status()).isEqualTo(400);
        assertThat(body(a).get("error").asText()).isEqualTo("DEALS_DISABLED");
        assertThat(factory.dealRequests).isEmpty();
    }

    @Test
    void aDealRequestWithoutResponsibleUserOrContactsIs400() {
        Store store = embeddedStore("s");
        Factory factory = new Factory(new Crm(), true);
        Creations creations = creations(store, factory);
        for (String bad : List.of("{'contacts':['c-1']}", "{'responsibleUserId':'u-1'}",
                "{'responsibleUserId':'u-1','contacts':[]}", "{'responsibleUserId':'u-1','contacts':[null,' ',{}]}")) {
            assertThat(creations.createDeal(json(bad)).status()).as(bad).isEqualTo(400);
        }
        assertThat(factory.dealRequests).isEmpty();
    }

    @Test
    void aDealRequestRepeatedWithinTwoMinutesIsTheSameDeal() {
        Store store = embeddedStore("s");
        Factory factory = new Factory(new Crm(), true);
        Creations creations = creations(store, factory);

        Answer first = creations.createDeal(json(DEAL_REQUEST));
        clock.advance(Duration.ofSeconds(119));
        Answer again = creations.createDeal(json(DEAL_REQUEST));

        assertThat(first.status()).isEqualTo(200);
        assertThat(again.status()).isEqualTo(200);
        assertThat(body(again).get("id")).isEqualTo(body(first).get("id"));
        assertThat(factory.dealRequests).hasSize(1);
        assertThat(factory.crm.deals).hasSize(1);
    }

    @Test
    void aRepeatedDealRequestTheDirectoryCannotShowYetAsksTheFactoryWithTheFirstKey() {
        Store store = embeddedStore("s");
        Factory factory = new Factory(new Crm(), true);
        Crm lagging = new Crm(); // a directory that does not list the new deal yet
        Creations creations = creations(store, () -> factory, lagging, IntegrationScheme.CLIENT_MANAGEMENT);

        Answer first = creations.createDeal(json(DEAL_REQUEST));
        clock.advance(Duration.ofSeconds(30));
        Answer again = creations.createDeal(json(DEAL_REQUEST));

        assertThat(again.status()).isEqualTo(200);
        assertThat(factory.dealRequests).hasSize(2);
        assertThat(factory.dealRequests.get(1).requestKey()).as("the first request's key")
                .isEqualTo(factory.dealRequests.get(0).requestKey());
        assertThat(body(again).get("id")).isEqualTo(body(first).get("id"));
        assertThat(factory.crm.deals).as("the host made one deal").hasSize(1);
    }

    @Test
    void aCreatedEntityWithAnIdLongerThanAnyColumnIsAnsweredAndRecorded() {
        Store store = embeddedStore("s");
        Crm crm = new Crm();
        String longId = "d-" + "9".repeat(400);
        CrmEntityFactory longIds = new CrmEntityFactory() {
            @Override
            public CrmContact createContact(NewContactRequest request) {
                throw new UnsupportedOperationException();
            }

            @Override
            public CrmDeal createDeal(NewDealRequest request) {
                CrmDeal d = new CrmDeal(longId, request.responsibleUserId(), "Deal", request.contactIds(),
                        "https://crm.example.com/deals/long", false);
                crm.deals.put(longId, d);
                return d;
            }
        };
        Answer a = creations(store, () -> longIds, crm, IntegrationScheme.CLIENT_MANAGEMENT).createDeal(json(DEAL_REQUEST));
        assertThat(a.status()).as("not a 503 that every retry repeats").isEqualTo(200);
        assertThat(body(a).get("id").asText()).isEqualTo(longId);
    }

    @Test
    void aDealRequestAfterTwoMinutesIsANewDeal() {
        Store store = embeddedStore("s");
        Factory factory = new Factory(new Crm(), true);
        Creations creations = creations(store, factory);

        Answer first = creations.createDeal(json(DEAL_REQUEST));
        clock.advance(Creations.DEAL_REPEAT_WINDOW.plusMillis(1));
        Answer later = creations.createDeal(json(DEAL_REQUEST));

        assertThat(later.status()).isEqualTo(200);
        assertThat(body(later).get("id")).isNotEqualTo(body(first).get("id"));
        assertThat(factory.dealRequests).hasSize(2);
        assertThat(factory.dealRequests.get(1).requestKey()).isNotEqualTo(factory.dealRequests.get(0).requestKey());
        assertThat(factory.crm.deals).hasSize(2);
    }

    @Test
    void anotherDealRequestWithinTheWindowIsAnotherDeal() {
        Store store = embeddedStore("s");
        Factory factory = new Factory(new Crm(), true);
        Creations creations = creations(store, factory);
        creations.createDeal(json(DEAL_REQUEST));
        creations.createDeal(json("{'responsibleUserId':'u-2','contacts':['c-1'],'source':'auto'}"));
        creations.createDeal(json("{'responsibleUserId':'u-1','contacts':['c-1'],'source':'byUser'}"));
        creations.createDeal(json("{'responsibleUserId':'u-1','contacts':['c-1','c-9'],'source':'auto'}"));
        assertThat(factory.dealRequests).hasSize(4);
        assertThat(factory.dealRequests).extracting(NewDealRequest::requestKey).doesNotHaveDuplicates();
        // the contacts' order does not matter
        creations.createDeal(json("{'responsibleUserId':'u-1','contacts':['c-9','c-1'],'source':'auto'}"));
        assertThat(factory.dealRequests).hasSize(4);
    }

    @Test
    void aStoreFailureAfterTheDealFactoryIsA503AndTheRetryGetsTheSameKey() {
        FaultyDataSource ds = new FaultyDataSource("creations-" + UUID.randomUUID());
        Store store = faultyStore(ds);
        Factory factory = new Factory(new Crm(), true);
        Creations creations = creations(store, factory);

        ds.fail(sql -> sql.contains("UPDATE wz_created"), 1);
        Answer failed = creations.createDeal(json(DEAL_REQUEST));
        assertThat(ds.failed()).isEqualTo(1);
        assertThat(failed.status()).isEqualTo(503);
        assertThat(factory.dealRequests).hasSize(1);

        clock.advance(Duration.ofSeconds(5));
        Answer retry = creations.createDeal(json(DEAL_REQUEST));
        assertThat(retry.status()).isEqualTo(200);
        assertThat(factory.dealRequests).hasSize(2);
        assertThat(factory.dealRequests.get(1).requestKey()).isNotNull()
                .isEqualTo(factory.dealRequests.get(0).requestKey());
        assertThat(factory.crm.deals).as("a factory that honours the key made one deal").hasSize(1);
        assertThat(body(retry).get("id").asText()).isEqualTo(factory.crm.deals.keySet().iterator().next());

        // now answered: a repeat within the window does not ask again
        assertThat(body(creations.createDeal(json(DEAL_REQUEST))).get("id")).isEqualTo(body(retry).get("id"));
        assertThat(factory.dealRequests).hasSize(2);
    }

    @Test
    void aDealFactoryThatThrowsIsA500AndTheRetryAsksAgainWithTheSameKey() {
        Store store = embeddedStore("s");
        Factory factory = new Factory(new Crm(), true);
        factory.fail = new IllegalArgumentException("no such pipeline");
        Creations creations = creations(store, factory);

        assertThat(creations.createDeal(json(DEAL_REQUEST)).status()).isEqualTo(500);
        assertThat(factory.crm.deals).isEmpty();
        factory.fail = null;
        assertThat(creations.createDeal(json(DEAL_REQUEST)).status()).isEqualTo(200);
        assertThat(factory.dealRequests).hasSize(2);
        assertThat(factory.dealRequests.get(1).requestKey()).isEqualTo(factory.dealRequests.get(0).requestKey());
    }
}
