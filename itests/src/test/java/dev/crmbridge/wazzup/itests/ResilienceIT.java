package dev.crmbridge.wazzup.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crmbridge.wazzup.api.WazzupConnector;
import dev.crmbridge.wazzup.api.event.CrmEvents;
import dev.crmbridge.wazzup.api.event.WazzupEvents;
import dev.crmbridge.wazzup.api.model.CrmContact;
import dev.crmbridge.wazzup.api.model.CrmDeal;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.spi.CrmEntityFactory;
import dev.crmbridge.wazzup.api.spi.NewContactRequest;
import dev.crmbridge.wazzup.api.spi.NewDealRequest;
import dev.crmbridge.wazzup.api.sync.DeadLetter;
import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.api.sync.SetAsideNotification;
import dev.crmbridge.wazzup.api.sync.SyncStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.inject.Inject;
import javax.sql.DataSource;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * The connector in a real framework on the host's database (a {@code DataSource} service: H2 in memory,
 * made to stall or fail by the test), against the emulator: the host is never stalled by a change and
 * none is dropped quietly; bad data, a failing directory, a failing store and configuration changes
 * hold back only what they concern. Each test uses a fresh database and a fresh emulator account.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ResilienceIT extends WazzupTestSupport {

    private static final Duration LONG = Duration.ofSeconds(90);
    private static final String SECRET = "resilience-webhook-secret-0123456789";

    @Inject
    private ConfigurationAdmin configAdmin;

    @Inject
    private EventAdmin eventAdmin;

    private EmulatorControl wazzup;
    private FaultyDataSource db;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private String accountId;

    @Configuration
    public Option[] config() {
        return OptionUtils.combine(baseConfiguration(), emulator(),
                mavenBundle("com.h2database", "h2").versionAsInProject());
    }

    @Before
    public void setUp() {
        wazzup = EmulatorControl.fromSystemProperty();
        db = new FaultyDataSource("resilience-" + System.nanoTime());
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("dataSourceName", "wazzup");
        registrations.add(context.registerService(DataSource.class, db, props));
        Hashtable<String, Object> topics = new Hashtable<>();
        topics.put(EventConstants.EVENT_TOPIC, "dev/crmbridge/wazzup/message/*");
        registrations.add(context.registerService(EventHandler.class, (EventHandler) events::add, topics));
    }

    @After
    public void tearDown() throws Exception {
        unconfigure(configAdmin);
        wazzup.clearFaults();
        registrations.forEach(ServiceRegistration::unregister);
        registrations.clear();
    }

    /** Registers the directory and configures the connector on the DataSource for a fresh account. */
    private SyncStatus connect(CrmDirectory crm, Map<String, Object> extra) throws Exception {
        registrations.add(context.registerService(CrmDirectory.class, crm, null));
        String[] account = wazzup.createAccount();
        accountId = account[0];
        Map<String, Object> props = new HashMap<>(Map.of(WazzupConnector.PROPERTY_API_KEY, account[1],
                WazzupConnector.PROPERTY_API_BASE_URL, wazzup.baseUrl(), "storage", "DATA_SOURCE",
                "scheme", "CONTACTS_ONLY", "initialSync", false, "batchDelayMillis", 100, "retryMaxDelaySeconds", 5,
                "webhookSecret", SECRET));
        props.putAll(extra);
        configure(configAdmin, props);
        SyncStatus status = syncStatus();
        await("the connector runs", () -> status.running() && status.initialSyncComplete());
        return status;
    }

    private int contactsInWazzup() {
        return wazzup.account(accountId).get("contacts").size();
    }

    private static long pending(SyncStatus status) {
        return status.entities().values().stream().mapToLong(s -> s.pending()).sum();
    }

    /** The connector's own event handler, called the way EventAdmin calls it. */
    private EventHandler connectorHandler() throws Exception {
        ServiceReference<?>[] refs = context.getServiceReferences(EventHandler.class.getName(),
                "(" + org.osgi.framework.Constants.SERVICE_DESCRIPTION + "=Wazzup connector)");
        assertTrue("the connector's event handler is registered", refs != null && refs.length == 1);
        return (EventHandler) context.getService(refs[0]);
    }

    private static List<String> ids(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(String.format("c%06d", i));
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------ point 2

    @Test
    public void theHandlerReturnsAtOnceWhileTheStoreStallsAndEveryChangeArrivesAfterwards() throws Exception {
        ItDirectory crm = ItDirectory.generated(1, 0, 10_000, 0);
        SyncStatus status = connect(crm, Map.of());
        EventHandler handler = connectorHandler();
        List<String> ids = ids(0, 10_000);
        // warm the path (JIT), then stall every new connection of the store for 10 s
        handler.handleEvent(CrmEvents.saved(CrmEvents.ENTITY_CONTACT, ids.get(0)));
        db.stallFor(10_000);
        long[] nanos = new long[ids.size()];
        for (int i = 0; i < ids.size(); i++) {
            Event e = CrmEvents.saved(CrmEvents.ENTITY_CONTACT, ids.get(i));
            long t0 = System.nanoTime();
            handler.handleEvent(e);
            nanos[i] = System.nanoTime() - t0;
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double p50 = sorted[sorted.length / 2] / 1e6;
        double p99 = sorted[(int) (sorted.length * 0.99)] / 1e6;
        double max = sorted[sorted.length - 1] / 1e6;
        System.out.printf("store stalled 10 s, 10,000 changes: handler p50 %.4f ms, p99 %.4f ms, max %.3f ms; "
                + "waiting to be stored: %d%n", p50, p99, max, status.unstoredChanges());
        assertTrue("the handler's p99 is under 1 ms: " + p99 + " ms", p99 < 1.0);
        await("every change in Wazzup after the stall", LONG, () -> contactsInWazzup() == 10_000 && pending(status) == 0);
        assertEquals(0, status.unstoredChanges());
    }

    @Test
    public void aStoreThatThrowsOnTheFirstHundredRecordsLosesNothing() throws Exception {
        ItDirectory crm = ItDirectory.generated(1, 0, 300, 0);
        SyncStatus status = connect(crm, Map.of());
        db.refuse(sql -> sql.startsWith("UPDATE wz_outbox SET op") || sql.startsWith("INSERT INTO wz_outbox"), 100);
        for (String id : ids(0, 300)) {
            eventAdmin.sendEvent(CrmEvents.saved(CrmEvents.ENTITY_CONTACT, id)); // EventAdmin catches what a handler throws
        }
        await("all 300 contacts in Wazzup", LONG, () -> contactsInWazzup() == 300 && pending(status) == 0);
        System.out.printf("the store refused %d records; %d contacts arrived%n", db.refused(), contactsInWazzup());
        assertTrue("the store refused the first 100 records: " + db.refused(), db.refused() >= 100);
    }

    // ------------------------------------------------------------------------------------------ point 4

    /** A host's factory that keeps the request key with what it made, as the API suggests. */
    private static final class KeyedFactory implements CrmEntityFactory {
        final ItDirectory crm;
        final Map<String, CrmContact> byKey = new ConcurrentHashMap<>();
        final List<String> keys = new CopyOnWriteArrayList<>();
        final AtomicInteger made = new AtomicInteger();

        KeyedFactory(ItDirectory crm) {
            this.crm = crm;
        }

        @Override
        public CrmContact createContact(NewContactRequest request) {
            String key = request.requestKey();
            keys.add(String.valueOf(key));
            return byKey.computeIfAbsent(key == null ? "none-" + System.nanoTime() : key, k -> {
                String id = "made-" + made.incrementAndGet();
                CrmContact c = new CrmContact(id, request.responsibleUserId(), request.name(), request.chats(),
                        "https://crm.example.com/contacts/" + id);
                crm.contacts.put(id, c);
                return c;
            });
        }

        @Override
        public CrmDeal createDeal(NewDealRequest request) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    public void aStoreFailureAfterTheHostCreatedAContactAnswersTheRetryWithTheSameContact() throws Exception {
        ItDirectory crm = ItDirectory.generated(2, 0, 0, 0);
        KeyedFactory factory = new KeyedFactory(crm);
        registrations.add(context.registerService(CrmEntityFactory.class, factory, null));
        connect(crm, Map.of());
        String body = "{\"createContact\":{\"responsibleUserId\":\"u1\",\"name\":\"New client\","
                + "\"contactData\":[{\"chatType\":\"whatsapp\",\"chatId\":\"79012223344\"}],\"source\":\"auto\"}}";
        // the host commits its contact, then the connector's store fails to record the answer
        db.refuse(sql -> sql.startsWith("UPDATE wz_created"), 1);
        HttpResponse<String> first = webhook(body);
        System.out.println("first answer (store failing): " + first.statusCode() + " " + first.body());
        assertNotEquals("the first answer is not a success", 200, first.statusCode());
        assertEquals("the host made the contact", 1, factory.made.get());
        HttpResponse<String> retry = webhook(body);
        assertEquals(retry.body(), 200, retry.statusCode());
        assertEquals("the retry answers the contact made the first time", "made-1",
                EmulatorControl.JSON.readTree(retry.body()).get("id").asText());
        assertEquals("the host holds one contact for the chat", 1, crm.contacts.size());
        assertEquals("the host was asked with the same key both times", 1, factory.keys.stream().distinct().count());
    }

    // ------------------------------------------------------------------------------------------ point 5

    @Test
    public void aDirectoryThatThrowsNoClassDefFoundErrorOnceDoesNotEndTheSync() throws Exception {
        HookedDirectory crm = new HookedDirectory(ItDirectory.generated(1, 0, 50, 0));
        SyncStatus status = connect(crm, Map.of());
        crm.errorOnce = new NoClassDefFoundError("com/example/crm/ContactEntity (a host bundle was refreshed)");
        java.util.Set<String> problems = ConcurrentHashMap.newKeySet();
        java.util.Set<Boolean> running = ConcurrentHashMap.newKeySet();
        Thread watcher = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                String p = status.problem();
                if (p != null) {
                    problems.add(p);
                }
                running.add(status.running());
                try {
                    Thread.sleep(20); // sampling what an administrator would see
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        watcher.start();
        eventAdmin.sendEvent(CrmEvents.savedAll(CrmEvents.ENTITY_CONTACT, ids(0, 50)));
        try {
            await("all 50 contacts in Wazzup after the sync recovered", LONG,
                    () -> contactsInWazzup() == 50 && pending(status) == 0);
            await("the problem is over", LONG, () -> status.problem() == null);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the problem now: " + status.problem() + "; seen: " + problems, e);
        } finally {
            watcher.interrupt();
        }
        System.out.println("problems seen: " + problems);
        assertTrue("the failure was reported while the sync recovered: " + problems,
                problems.stream().anyMatch(p -> p.contains("NoClassDefFoundError")));
        assertEquals("the sync said it runs throughout (it recovers on its own)", java.util.Set.of(true), running);
    }

    // ------------------------------------------------------------------------------------------ point 6

    @Test
    public void tenConfigurationChangesWhileChangesStreamInDeliverAllWithOneSenderAtATime() throws Exception {
        ItDirectory crm = ItDirectory.generated(1, 0, 5_000, 0);
        SyncStatus status = connect(crm, Map.of());
        Map<String, Object> props = new HashMap<>();
        java.util.Dictionary<String, Object> current = configAdmin.getConfiguration(WazzupConnector.PID, "?").getProperties();
        for (java.util.Enumeration<String> k = current.keys(); k.hasMoreElements(); ) {
            String key = k.nextElement();
            if (!key.startsWith("service.")) {
                props.put(key, current.get(key));
            }
        }
        // every upsert takes 40 ms at Wazzup: a replaced sync still sending would meet its successor there
        wazzup.delay("POST /v3/contacts", 1_000, 40);
        List<String> all = ids(0, 5_000);
        AtomicInteger sent = new AtomicInteger();
        Thread stream = new Thread(() -> {
            for (int from = 0; from < all.size(); from += 25) {
                eventAdmin.postEvent(CrmEvents.savedAll(CrmEvents.ENTITY_CONTACT, all.subList(from, from + 25)));
                sent.addAndGet(25);
                try {
                    Thread.sleep(10); // pacing: the changes come in over about two seconds
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "host-changes");
        stream.start();
        for (int change = 1; change <= 10; change++) {
            int due = change * 450;
            await("the host sent " + due + " changes", LONG, () -> sent.get() >= due);
            props.put("batchDelayMillis", 100 + change);
            configure(configAdmin, props);
        }
        stream.join();
        await("all 5,000 contacts in Wazzup", LONG, () -> contactsInWazzup() == 5_000 && pending(syncStatus()) == 0);
        int most = 0;
        for (JsonNode e : wazzup.journal(accountId, null)) {
            most = Math.max(most, e.path("concurrent").asInt());
        }
        long upserts = wazzup.requests(accountId, "POST /v3/contacts");
        System.out.printf("10 configuration changes: 5,000 contacts in %d upserts; most requests of the key at once: %d%n",
                upserts, most);
        assertEquals("never two syncs sending at once", 1, most);
        assertFalse("status was read throughout", status.entities().isEmpty());
    }

    // ------------------------------------------------------------------------------------------ point 7

    @Test
    public void aDeliveryWithPathologicalItemsIsAnsweredAndItsGoodMessagesBecomeEventsOnce() throws Exception {
        connect(ItDirectory.generated(1, 0, 0, 0), Map.of());
        String good = "{\"messageId\":\"%s\",\"chatType\":\"whatsapp\",\"chatId\":\"79011112233\",\"isEcho\":false,"
                + "\"type\":\"text\",\"text\":\"hello\",\"status\":\"inbound\"}";
        String body = "{\"messages\":[" + String.format(good, "good-1") + ",\"a string, not a message\","
                + "{\"chatType\":\"whatsapp\",\"chatId\":\"79011112233\",\"text\":\"no id\"},"
                + String.format(good, "x".repeat(500)) + "," + String.format(good, "good-2") + ","
                + "{\"messageId\":\"long-chat\",\"chatType\":\"whatsapp\",\"chatId\":\"" + "7".repeat(5_000) + "\"},"
                + String.format(good, "good-3") + "]}";
        for (int attempt = 1; attempt <= 2; attempt++) {
            HttpResponse<String> r = webhook(body);
            assertEquals("Wazzup gets 200 (attempt " + attempt + "): " + r.body(), 200, r.statusCode());
        }
        drainEvents();
        for (String id : List.of("good-1", "good-2", "good-3")) {
            assertEquals("one event of " + id, 1, events.stream()
                    .filter(e -> id.equals(e.getProperty(WazzupEvents.PROPERTY_MESSAGE_ID))).count());
        }
        SyncStatus status = syncStatus();
        List<SetAsideNotification> aside = status.setAsideNotifications();
        aside.forEach(n -> System.out.println("set aside: " + n.kind() + " — " + n.reason()));
        assertEquals("four items set aside, once each", 4, aside.size());
        assertTrue(aside.stream().anyMatch(n -> n.reason().contains("not a JSON object")));
        assertTrue(aside.stream().anyMatch(n -> n.reason().contains("messageId is missing")));
        assertTrue(aside.stream().anyMatch(n -> n.reason().contains("messageId has 500 characters")));
        assertTrue(aside.stream().anyMatch(n -> n.reason().contains("chatId has 5000 characters")));
        assertEquals(4, status.webhooks().setAside());
    }

    @Test
    public void aDirectoryThatThrowsForOneContactInAThousandHoldsBackOnlyThatOne() throws Exception {
        HookedDirectory crm = new HookedDirectory(ItDirectory.generated(1, 0, 1_000, 0));
        crm.poisonedContact = "c000500";
        SyncStatus status = connect(crm, Map.of("retryMaxDelaySeconds", 2));
        String tooLong = "c" + "9".repeat(299);
        eventAdmin.sendEvent(CrmEvents.savedAll(CrmEvents.ENTITY_CONTACT, ids(0, 1_000)));
        eventAdmin.sendEvent(CrmEvents.saved(CrmEvents.ENTITY_CONTACT, tooLong));
        await("999 contacts in Wazzup", LONG, () -> contactsInWazzup() == 999);
        assertFalse("the poisoned contact is not in Wazzup",
                wazzup.account(accountId).get("contacts").findValuesAsText("id").contains("c000500"));
        // tried again after pauses, then set aside with the host's reason
        await("the contact the host cannot give is a dead letter", LONG, () -> status.deadLetters().stream()
                .anyMatch(d -> d.entityId().equals("c000500")));
        DeadLetter poisoned = status.deadLetters().stream().filter(d -> d.entityId().equals("c000500")).findFirst().get();
        System.out.println("dead letter: " + poisoned.errorCode() + " " + poisoned.reason() + " after " + poisoned.attempts()
                + " attempts; " + crm.contactLookups.get() + " lookups");
        assertEquals("CRM_READ_FAILED", poisoned.errorCode());
        assertTrue(poisoned.reason(), poisoned.reason().contains("the CRM cannot load contact c000500"));
        await("the over-long id is set aside with its reason", LONG, () -> status.deadLetters().stream()
                .anyMatch(d -> "ID_TOO_LONG".equals(d.errorCode())));
        DeadLetter longId = status.deadLetters().stream().filter(d -> "ID_TOO_LONG".equals(d.errorCode())).findFirst().get();
        assertTrue(longId.reason(), longId.reason().contains("300 characters"));
        // the host is fixed and the administrator retries: the contact goes too
        crm.poisonedContact = null;
        assertTrue(status.retry(poisoned));
        await("the contact goes once the host can give it", LONG, () -> contactsInWazzup() == 1_000);
    }

    // ------------------------------------------------------------------------------------------ helpers

    private HttpResponse<String> webhook(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + "/wazzup/webhook/" + SECRET))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Posts a marker message and waits for its event: the events of earlier deliveries came before it. */
    private void drainEvents() throws Exception {
        String id = "marker-" + System.nanoTime();
        assertEquals(200, webhook("{\"messages\":[{\"messageId\":\"" + id + "\",\"chatType\":\"whatsapp\","
                + "\"chatId\":\"79000000000\",\"isEcho\":false,\"type\":\"text\",\"text\":\"marker\"}]}").statusCode());
        await("the marker's event", LONG, () -> events.stream()
                .anyMatch(e -> id.equals(e.getProperty(WazzupEvents.PROPERTY_MESSAGE_ID))));
    }
}
