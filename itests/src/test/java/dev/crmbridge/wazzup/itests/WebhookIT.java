package dev.crmbridge.wazzup.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crmbridge.wazzup.api.WazzupConnector;
import dev.crmbridge.wazzup.api.event.WazzupEvents;
import dev.crmbridge.wazzup.api.model.ChatHandle;
import dev.crmbridge.wazzup.api.model.CrmContact;
import dev.crmbridge.wazzup.api.model.CrmDeal;
import dev.crmbridge.wazzup.api.spi.CreationSource;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.spi.CrmEntityFactory;
import dev.crmbridge.wazzup.api.spi.NewContactRequest;
import dev.crmbridge.wazzup.api.spi.NewDealRequest;
import dev.crmbridge.wazzup.api.sync.SyncStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.inject.Inject;
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
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * Wazzup's webhooks against the real servlet on Felix HTTP (Jetty 12): every sample body becomes its
 * event once, creation requests reach the host and answer in the documented shape, bad requests are
 * refused without a trace, and end to end the emulator's new client becomes a contact and a deal.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WebhookIT extends WazzupTestSupport {

    private static final String SECRET = "it-webhook-secret-0123456789";
    private static final String PATH = "/wazzup/webhook";

    @Inject
    private ConfigurationAdmin configAdmin;

    private EmulatorControl wazzup;
    private ItDirectory crm;
    private ItFactory factory;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private String accountId;

    @Configuration
    public Option[] config() {
        return OptionUtils.combine(baseConfiguration(), emulator());
    }

    @Override
    protected String logLevel() {
        return "DEBUG"; // every log line is printed, so that the test can look for secrets in all of them
    }

    @Before
    public void setUp() {
        wazzup = EmulatorControl.fromSystemProperty();
        crm = ItDirectory.generated(2, 1, 0, 0);
        // a synced contact and deal own the samples' chat
        crm.contacts.put("c-known", new CrmContact("c-known", "u1", "Known client",
                List.of(ChatHandle.whatsapp("79999999999")), "https://crm.example.com/contacts/c-known"));
        crm.deals.put("d-known", new CrmDeal("d-known", "u0", "Known deal", List.of("c-known"),
                "https://crm.example.com/deals/d-known", false));
        factory = new ItFactory(crm);
        registrations.add(context.registerService(CrmDirectory.class, crm, null));
        registrations.add(context.registerService(CrmEntityFactory.class, factory, null));
        Hashtable<String, Object> topics = new Hashtable<>();
        topics.put(EventConstants.EVENT_TOPIC, new String[] {"dev/crmbridge/wazzup/message/*",
                "dev/crmbridge/wazzup/channel/*", "dev/crmbridge/wazzup/template/*"});
        registrations.add(context.registerService(EventHandler.class, (EventHandler) events::add, topics));
    }

    @After
    public void tearDown() throws Exception {
        unconfigure(configAdmin);
        registrations.forEach(ServiceRegistration::unregister);
    }

    private String apiKey;

    private SyncStatus connect(Map<String, Object> extra) throws Exception {
        String[] account = wazzup.createAccount();
        accountId = account[0];
        apiKey = account[1];
        Map<String, Object> props = new HashMap<>(Map.of(WazzupConnector.PROPERTY_API_KEY, account[1],
                WazzupConnector.PROPERTY_API_BASE_URL, wazzup.baseUrl(), "webhookSecret", SECRET, "batchDelayMillis", 100));
        props.putAll(extra);
        configure(configAdmin, props);
        SyncStatus status = syncStatus();
        String auth = props.get("crmKey") == null ? null : "Bearer " + props.get("crmKey");
        await("the servlet answers", () -> post("/" + SECRET, "{\"test\": true}", auth).statusCode() == 200);
        return status;
    }

    private static String sample(String name) throws Exception {
        return Files.readString(Path.of(System.getProperty("wazzup.itest.shared"), "wazzup-samples", name));
    }

    private HttpResponse<String> post(String pathAfterWebhook, String body) {
        return post(pathAfterWebhook, body, null);
    }

    private HttpResponse<String> post(String pathAfterWebhook, String body, String authorization) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + PATH + pathAfterWebhook))
                    .header("Content-Type", "application/json; charset-utf-8")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (authorization != null) {
                b.header("Authorization", authorization);
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private List<Event> events(String topic) {
        return events.stream().filter(e -> e.getTopic().equals(topic)).toList();
    }

    /** Posts a marker message and waits for its event: every event of earlier webhooks came before it. */
    private void drain() {
        String id = "marker-" + System.nanoTime();
        assertEquals(200, post("/" + SECRET, "{\"messages\":[{\"messageId\":\"" + id + "\",\"chatType\":\"whatsapp\","
                + "\"chatId\":\"79000000000\",\"isEcho\":false,\"type\":\"text\",\"text\":\"marker\",\"status\":\"inbound\"}]}")
                .statusCode());
        await("the marker event", () -> events.stream().anyMatch(e -> id.equals(e.getProperty(WazzupEvents.PROPERTY_MESSAGE_ID))));
        events.removeIf(e -> id.equals(e.getProperty(WazzupEvents.PROPERTY_MESSAGE_ID)));
    }

    @Test
    public void everySampleBecomesItsEventOnce() throws Exception {
        SyncStatus status = connect(Map.of());
        await("the known contact synced", Duration.ofSeconds(30), () -> status.initialSyncComplete()
                && status.entities().values().stream().mapToLong(s -> s.pending()).sum() == 0);

        for (String name : List.of("webhook-messages.json", "webhook-messages-poll.json", "webhook-statuses.json",
                "webhook-channelsUpdates.json", "webhook-templateStatus.json", "webhook-test.json")) {
            assertEquals(name, 200, post("/" + SECRET, sample(name)).statusCode());
            assertEquals(name + " again", 200, post("/" + SECRET, sample(name)).statusCode());
        }
        assertEquals("5 notifications stored; repeats and the test probe are not", 5, status.webhooks().stored());
        drain();

        List<Event> received = events(WazzupEvents.TOPIC_MESSAGE_RECEIVED);
        assertEquals("two samples, each once", 2, received.size());
        Event image = received.get(0);
        assertEquals("the account it is of", dev.crmbridge.wazzup.api.account.Accounts.DEFAULT,
                image.getProperty(dev.crmbridge.wazzup.api.account.Accounts.EVENT_PROPERTY));
        JsonNode m = EmulatorControl.JSON.readTree(sample("webhook-messages.json")).at("/messages/0");
        assertEquals(m.get("messageId").asText(), image.getProperty(WazzupEvents.PROPERTY_MESSAGE_ID));
        assertEquals(m.get("channelId").asText(), image.getProperty(WazzupEvents.PROPERTY_CHANNEL_ID));
        assertEquals("whatsapp", image.getProperty(WazzupEvents.PROPERTY_CHAT_TYPE));
        assertEquals("79999999999", image.getProperty(WazzupEvents.PROPERTY_CHAT_ID));
        assertEquals("image", image.getProperty(WazzupEvents.PROPERTY_MESSAGE_TYPE));
        assertEquals(m.get("contentUri").asText(), image.getProperty(WazzupEvents.PROPERTY_CONTENT_URI));
        assertEquals(m.get("dateTime").asText(), image.getProperty(WazzupEvents.PROPERTY_TIME));
        assertEquals("79999999999", image.getProperty(WazzupEvents.PROPERTY_CONTACT_NAME));
        assertArrayEquals(new String[] {"c-known"}, (String[]) image.getProperty(WazzupEvents.PROPERTY_CONTACT_IDS));
        assertArrayEquals(new String[] {"d-known"}, (String[]) image.getProperty(WazzupEvents.PROPERTY_DEAL_IDS));
        List<String> users = List.of((String[]) image.getProperty(WazzupEvents.PROPERTY_RESPONSIBLE_USER_IDS));
        assertTrue(users.toString(), users.containsAll(List.of("u1", "u0")) && users.size() == 2);
        assertTrue(((String) received.get(1).getProperty(WazzupEvents.PROPERTY_TEXT)).startsWith("Тестовый"));

        Event delivered = events(WazzupEvents.TOPIC_MESSAGE_STATUS_CHANGED).get(0);
        assertEquals(1, events(WazzupEvents.TOPIC_MESSAGE_STATUS_CHANGED).size());
        assertEquals("be3dc577-60c4-4fc8-83a5-8c358e0bfe15", delivered.getProperty(WazzupEvents.PROPERTY_MESSAGE_ID));
        assertEquals("delivered", delivered.getProperty(WazzupEvents.PROPERTY_STATUS));
        assertEquals("2025-02-05T06:01:07.499Z", delivered.getProperty(WazzupEvents.PROPERTY_TIME));

        List<Event> channel = events(WazzupEvents.TOPIC_CHANNEL_STATE_CHANGED);
        assertEquals(1, channel.size());
        assertEquals("d9e5721c-ce2b-444f-9627-60a8129d7e1f", channel.get(0).getProperty(WazzupEvents.PROPERTY_CHANNEL_ID));
        assertEquals("qr", channel.get(0).getProperty(WazzupEvents.PROPERTY_STATE));
        assertEquals("1603977171000", channel.get(0).getProperty(WazzupEvents.PROPERTY_TIME));

        List<Event> template = events(WazzupEvents.TOPIC_TEMPLATE_STATUS_CHANGED);
        assertEquals(1, template.size());
        assertEquals("8d255e5d-aefd-44dc-8131-c3ad6c3ab28c", template.get(0).getProperty(WazzupEvents.PROPERTY_TEMPLATE_ID));
        assertEquals("Test", template.get(0).getProperty(WazzupEvents.PROPERTY_TEMPLATE_NAME));
        assertEquals("approved", template.get(0).getProperty(WazzupEvents.PROPERTY_STATUS));

        // messages and statuses in one body; an echo; an edit of a known message (not a repeat)
        events.clear();
        String mixed = "{\"messages\":[{\"messageId\":\"echo-1\",\"chatType\":\"whatsapp\",\"chatId\":\"79999999999\","
                + "\"isEcho\":true,\"authorId\":\"u1\",\"authorName\":\"Manager 1\",\"type\":\"text\",\"text\":\"We deliver\","
                + "\"status\":\"sent\",\"dateTime\":\"2025-05-06T14:20:00.000Z\"},"
                + "{\"messageId\":\"6a2087e8-e0f4-9999-b968-9d9999933c81\",\"chatType\":\"whatsapp\",\"chatId\":\"79999999999\","
                + "\"isEcho\":false,\"isEdited\":true,\"type\":\"text\",\"text\":\"edited text\",\"status\":\"inbound\"}],"
                + "\"statuses\":[{\"messageId\":\"echo-1\",\"timestamp\":\"2025-05-06T14:20:01.000Z\",\"status\":\"read\"}],"
                + "\"somethingNew\":{\"x\":1}}";
        assertEquals(200, post("/" + SECRET, mixed).statusCode());
        drain();
        Event echo = events(WazzupEvents.TOPIC_MESSAGE_SENT).get(0);
        assertEquals("u1", echo.getProperty(WazzupEvents.PROPERTY_AUTHOR_ID));
        assertEquals("Manager 1", echo.getProperty(WazzupEvents.PROPERTY_AUTHOR_NAME));
        assertEquals("edited text", events(WazzupEvents.TOPIC_MESSAGE_EDITED).get(0).getProperty(WazzupEvents.PROPERTY_TEXT));
        assertEquals("read", events(WazzupEvents.TOPIC_MESSAGE_STATUS_CHANGED).get(0).getProperty(WazzupEvents.PROPERTY_STATUS));
    }

    @Test
    public void creationRequestsReachTheHostOnceAndAnswerInTheDocumentedShape() throws Exception {
        connect(Map.of("dealPipelineId", "p0", "dealStageId", "p0s1"));
        HttpResponse<String> first = post("/" + SECRET, sample("webhook-createContact.json"));
        assertEquals(first.body(), 200, first.statusCode());
        JsonNode contact = EmulatorControl.JSON.readTree(first.body());
        assertEquals(List.of("contactData", "id", "name", "responsibleUserId", "uri"), fields(contact));
        assertEquals("1", contact.get("responsibleUserId").asText());
        assertEquals("79011112233", contact.at("/contactData/0/chatId").asText());
        NewContactRequest asked = (NewContactRequest) factory.requests.get(0);
        assertEquals("1", asked.responsibleUserId());
        assertEquals("contacts.name", asked.name());
        assertEquals(List.of(ChatHandle.of("whatsapp", "79011112233")), asked.chats());
        assertEquals(CreationSource.AUTO, asked.source());

        HttpResponse<String> again = post("/" + SECRET, sample("webhook-createContact.json"));
        assertEquals(first.body(), again.body());
        assertEquals("the host was asked once", 1, factory.requests.size());

        HttpResponse<String> deal = post("/" + SECRET, sample("webhook-createDeal.json"));
        assertEquals(deal.body(), 200, deal.statusCode());
        JsonNode d = EmulatorControl.JSON.readTree(deal.body());
        assertEquals(List.of("closed", "contacts", "id", "name", "responsibleUserId", "uri"), fields(d));
        NewDealRequest dealAsked = (NewDealRequest) factory.requests.get(1);
        assertEquals(List.of("1"), dealAsked.contactIds());
        assertEquals(CreationSource.BY_USER, dealAsked.source());
        assertEquals("p0", dealAsked.pipelineId());
        assertEquals("p0s1", dealAsked.stageId());
        assertEquals(deal.body(), post("/" + SECRET, sample("webhook-createDeal.json")).body());
        assertEquals(2, factory.requests.size());

        // the host fails: 500 and nothing recorded; the next request asks the host again
        factory.failWith = new IllegalStateException("the CRM database is down");
        String other = sample("webhook-createContact.json").replace("79011112233", "79011112200");
        HttpResponse<String> failed = post("/" + SECRET, other);
        assertEquals(500, failed.statusCode());
        assertFalse(failed.body(), failed.body().contains("database"));
        factory.failWith = null;
        assertEquals(200, post("/" + SECRET, other).statusCode());
        assertEquals(4, factory.requests.size());
    }

    @Test
    public void badRequestsAreRefusedWithoutATraceOrALoggedSecret() throws Exception {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        SyncStatus status;
        try {
            status = connect(Map.of());
            String message = sample("webhook-messages.json");
            assertEquals(401, post("", message).statusCode());
            assertEquals(401, post("/", message).statusCode());
            assertEquals(401, post("/wrong-secret-0123456789", message).statusCode());
            assertEquals(401, post("/" + SECRET + "x", message).statusCode());
            String big = "{\"messages\":[{\"messageId\":\"big\",\"text\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}]}";
            assertEquals(413, post("/" + SECRET, big).statusCode());
            assertEquals(400, post("/" + SECRET, "{\"messages\": [").statusCode());
            assertEquals(400, post("/" + SECRET, "[1, 2]").statusCode());
            assertEquals(200, post("/" + SECRET, "{\"somethingNew\": {\"a\": 1}}").statusCode());
            drain();
        } finally {
            System.setOut(out);
        }
        assertEquals("only the marker was stored", 1, status.webhooks().stored());
        assertTrue("no event but the marker", events.isEmpty());
        // every line of the connector at every level, and every line of any bundle at INFO and above; the
        // HTTP server's and the JDK client's own DEBUG lines show request URLs (an access log would too)
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith("dev.crmbridge.wazzup ") || l.contains(" INFO : ") || l.contains(" WARN : ")
                        || l.contains(" ERROR : "))
                .toList();
        assertTrue("the connector's log lines were captured: " + lines.size(), lines.stream().anyMatch(l -> l.contains("Wazzup")));
        assertTrue("the secret is in no log line", lines.stream().noneMatch(l -> l.contains(SECRET)));
        // nor the API key: HttpClient's header and wire loggers (DEBUG here) see no request of ours
        assertTrue("the API key is in no log line", lines.stream().noneMatch(l -> l.contains(apiKey)));
        out.println("checked " + lines.size() + " log lines; none has the secret");
    }

    @Test
    public void withACrmKeyTheUrlSecretAloneNoLongerSuffices() throws Exception {
        connect(Map.of("crmKey", "it-crm-key-42"));
        String message = "{\"messages\":[{\"messageId\":\"crmkey-" + System.nanoTime() + "\",\"chatType\":\"whatsapp\","
                + "\"chatId\":\"79000000001\",\"isEcho\":false,\"type\":\"text\",\"text\":\"hi\"}]}";
        assertEquals(401, post("/" + SECRET, message).statusCode());
        assertEquals(401, post("/" + SECRET, message, "Bearer another-key").statusCode());
        assertEquals(200, post("/" + SECRET, message, "Bearer it-crm-key-42").statusCode());
    }

    @Test
    public void noServiceInTheFrameworkShowsASecretInItsProperties() throws Exception {
        String apiKey = connectAndReturnKey(Map.of("crmKey", "it-crm-key-43"));
        org.osgi.framework.ServiceReference<?>[] all = context.getAllServiceReferences(null, null);
        List<String> offenders = new ArrayList<>();
        int ours = 0;
        for (org.osgi.framework.ServiceReference<?> ref : all) {
            if (ref.getBundle() != null && "dev.crmbridge.wazzup".equals(ref.getBundle().getSymbolicName())) {
                ours++;
            }
            for (String key : ref.getPropertyKeys()) {
                Object v = ref.getProperty(key);
                String text = v instanceof Object[] a ? java.util.Arrays.toString(a) : String.valueOf(v);
                for (String secret : List.of(apiKey, SECRET, "it-crm-key-43")) {
                    if (text.contains(secret)) {
                        offenders.add(ref + " " + key);
                    }
                }
            }
        }
        // SyncStatus/EventHandler and the webhook servlet at least
        assertTrue("the connector's services were looked at: " + ours, ours >= 2);
        assertEquals("services whose properties show a secret", List.of(), offenders);
    }

    private String connectAndReturnKey(Map<String, Object> extra) throws Exception {
        connect(extra);
        return (String) configAdmin.getConfiguration(WazzupConnector.PID, "?").getProperties()
                .get(WazzupConnector.PROPERTY_API_KEY);
    }

    @Test
    public void aNewClientFromTheEmulatorBecomesAContactAndADealEverywhere() throws Exception {
        SyncStatus status = connect(Map.of("publicBaseUrl", "http://127.0.0.1:" + httpPort()));
        await("subscribed at Wazzup", Duration.ofSeconds(30), () -> status.webhooks().subscribed());
        assertFalse("the address shown leaves the secret out", status.webhooks().address().contains(SECRET));
        await("users and pipelines with stages in Wazzup", Duration.ofSeconds(30),
                () -> wazzup.account(accountId).get("pipelines").size() == 1 && status.initialSyncComplete());
        JsonNode hooks = wazzup.account(accountId).get("webhooks");
        assertEquals("http://127.0.0.1:" + httpPort() + PATH + "/" + SECRET, hooks.get("uri").asText());
        assertTrue(hooks.get("contactsAndDealsCreation").asBoolean());

        JsonNode result = wazzup.send("POST", "/__emulator/accounts/" + accountId + "/customer-message",
                EmulatorControl.json(Map.of("chatType", "whatsapp", "chatId", "79055550001", "text", "Do you have sofas?",
                        "name", "New Client")));
        List<String> kinds = new ArrayList<>();
        result.get("deliveries").forEach(d -> kinds.add(d.get("kind").asText() + ":" + d.get("outcome").asText()));
        assertEquals(3, kinds.size());
        assertTrue(kinds.toString(), kinds.get(0).startsWith("createContact:stored contact new-c"));
        assertTrue(kinds.toString(), kinds.get(1).startsWith("createDeal:stored deal new-d"));
        assertEquals("messages:ok", kinds.get(2));
        String contactId = kinds.get(0).substring(kinds.get(0).lastIndexOf(' ') + 1);
        String dealId = kinds.get(1).substring(kinds.get(1).lastIndexOf(' ') + 1);

        // in the host, in Wazzup, and answered in the documented shape
        assertTrue(crm.contacts.containsKey(contactId));
        assertTrue(crm.deals.containsKey(dealId));
        JsonNode account = wazzup.account(accountId);
        assertTrue(account.get("contacts").findValuesAsText("id").contains(contactId));
        assertTrue(account.get("deals").findValuesAsText("id").contains(dealId));
        JsonNode contactAnswer = EmulatorControl.JSON.readTree(result.get("deliveries").get(0).get("responseBody").asText());
        assertEquals(List.of("contactData", "id", "name", "responsibleUserId", "uri"), fields(contactAnswer));
        JsonNode dealAnswer = EmulatorControl.JSON.readTree(result.get("deliveries").get(1).get("responseBody").asText());
        assertEquals(List.of("closed", "contacts", "id", "name", "responsibleUserId", "uri"), fields(dealAnswer));
        assertEquals(contactId, dealAnswer.at("/contacts/0").asText());

        // the message event names the new contact and deal
        await("the message event", () -> !events(WazzupEvents.TOPIC_MESSAGE_RECEIVED).isEmpty());
        Event e = events(WazzupEvents.TOPIC_MESSAGE_RECEIVED).get(0);
        assertArrayEquals(new String[] {contactId}, (String[]) e.getProperty(WazzupEvents.PROPERTY_CONTACT_IDS));
        assertArrayEquals(new String[] {dealId}, (String[]) e.getProperty(WazzupEvents.PROPERTY_DEAL_IDS));
        assertEquals("Do you have sofas?", e.getProperty(WazzupEvents.PROPERTY_TEXT));
    }

    private static List<String> fields(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        out.sort(null);
        return out;
    }
}
