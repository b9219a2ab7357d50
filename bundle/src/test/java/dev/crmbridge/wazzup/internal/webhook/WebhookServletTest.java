package dev.crmbridge.wazzup.internal.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crmbridge.wazzup.api.IntegrationScheme;
import dev.crmbridge.wazzup.api.event.WazzupEvents;
import dev.crmbridge.wazzup.api.model.CrmContact;
import dev.crmbridge.wazzup.api.model.CrmDeal;
import dev.crmbridge.wazzup.api.model.CrmUser;
import dev.crmbridge.wazzup.api.model.Pipeline;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.spi.CrmEntityFactory;
import dev.crmbridge.wazzup.api.spi.NewContactRequest;
import dev.crmbridge.wazzup.api.spi.NewDealRequest;
import dev.crmbridge.wazzup.api.spi.Page;
import dev.crmbridge.wazzup.api.sync.SetAsideNotification;
import dev.crmbridge.wazzup.internal.client.Json;
import dev.crmbridge.wazzup.internal.store.FaultyDataSource;
import dev.crmbridge.wazzup.internal.store.Fence;
import dev.crmbridge.wazzup.internal.store.StoreHandle;
import dev.crmbridge.wazzup.internal.sync.Payloads;
import dev.crmbridge.wazzup.internal.sync.PhoneRules;
import dev.crmbridge.wazzup.internal.web.Answers;
import dev.crmbridge.wazzup.internal.web.JettyWhiteboard;
import dev.crmbridge.wazzup.internal.web.RawHttp;
import dev.crmbridge.wazzup.internal.web.TestHttp;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * {@link WebhookServlet} over real HTTP (embedded Jetty 9.4), behind the {@link Webhooks} a configured
 * connector builds: the secret and crmKey checks, the body limit, the answers, notifications becoming
 * events exactly once, pathological items set aside, creations, a stalled store, and connections that
 * stay usable after a refusal. No answer ever shows a secret.
 */
class WebhookServletTest {

    private static final String PATH = "/wazzup/webhook";
    private static final String SECRET = "hook-secret-7f3a9c2e1b5d";
    private static final String CRM_KEY = "crm-key-5d8e2a4c6b9f0a1e";
    private static final int MAX_BODY = 256 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final JettyWhiteboard whiteboard = new JettyWhiteboard();
    private final TestHttp http = new TestHttp();
    private final CollectingEvents events = new CollectingEvents();
    private final MemoryCrm crm = new MemoryCrm();
    private final List<RawHttp> connections = new ArrayList<>();
    private StoreHandle storage;
    private FaultyDataSource faulty;
    private Webhooks webhooks;
    private int barriers;

    @AfterEach
    void stop() throws SQLException {
        try {
            assertThat(http.bodies()).allSatisfy(WebhookServletTest::showsNoSecret);
        } finally {
            connections.forEach(RawHttp::close);
            if (webhooks != null) {
                webhooks.close();
            }
            http.close();
            whiteboard.close();
            if (storage != null) {
                storage.close();
            }
            if (faulty != null) {
                try (Connection c = faulty.getConnection(); Statement s = c.createStatement()) {
                    s.execute("SHUTDOWN");
                }
            }
        }
    }

    // ------------------------------------------------------------------ set-up and helpers

    private void start() {
        start(null, MAX_BODY);
    }

    private void start(String crmKey, int maxBody) {
        start(crmKey, maxBody, StoreHandle.embedded(dir.toFile(), "default"));
    }

    private void start(String crmKey, int maxBody, StoreHandle handle) {
        storage = handle;
        webhooks = webhooks(crmKey, maxBody, handle);
    }

    private Webhooks webhooks(String crmKey, int maxBody, StoreHandle handle) {
        Webhooks w = new Webhooks(new Webhooks.Config(PATH, SECRET, crmKey, maxBody, null, null, null,
                IntegrationScheme.CLIENT_MANAGEMENT), new Webhooks.Host(() -> crm, () -> crm, () -> events, whiteboard),
                handle.store(), handle.writer(), Fence.NONE, null, new Payloads(PhoneRules.NONE), Clock.systemUTC(),
                List.of());
        w.start();
        return w;
    }

    private HttpResponse<String> post(String secret, String body, String... headers) {
        HttpRequest.Builder b = TestHttp.request(whiteboard.uri(PATH + "/" + secret))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> r = http.send(b.build());
        showsNoSecret(r.body());
        return r;
    }

    private RawHttp connection() {
        RawHttp c = new RawHttp(whiteboard.base());
        connections.add(c);
        return c;
    }

    private static RawHttp.Response rawPost(RawHttp c, String secret, byte[] body) {
        RawHttp.Response r = c.send("POST", PATH + "/" + secret, Map.of("Content-Type", "application/json"), body);
        showsNoSecret(r.text());
        return r;
    }

    private static void showsNoSecret(String body) {
        assertThat(body).doesNotContain(SECRET).doesNotContain(CRM_KEY);
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code {"test": true}} padded with spaces to exactly {@code length} bytes. */
    private static byte[] testBodyOf(int length) {
        String head = "{\"test\":true";
        return bytes(head + " ".repeat(length - head.length() - 1) + "}");
    }

    private static String message(String id, String chatId, String text) {
        return "{\"messageId\":\"" + id + "\",\"dateTime\":\"2025-05-06T14:16:00.002Z\",\"channelId\":\"ch-1\","
                + "\"chatType\":\"whatsapp\",\"chatId\":\"" + chatId + "\",\"type\":\"text\",\"isEcho\":false,"
                + "\"text\":\"" + text + "\",\"status\":\"inbound\"}";
    }

    /**
     * Sends a channel update and waits for its event: the worker delivers in order, so once it is out
     * every notification stored before it had its event (and any second one would be there too).
     */
    private void deliveredSoFar() {
        String channel = "ch-barrier-" + (++barriers);
        assertThat(post(SECRET, "{\"channelsUpdates\":[{\"channelId\":\"" + channel + "\",\"state\":\"active\","
                + "\"timestamp\":1603977171000}]}").statusCode()).isEqualTo(200);
        await("the event of " + channel).atMost(Duration.ofSeconds(15))
                .until(() -> events.of(WazzupEvents.TOPIC_CHANNEL_STATE_CHANGED).stream()
                        .anyMatch(e -> channel.equals(e.getProperty(WazzupEvents.PROPERTY_CHANNEL_ID))));
    }

    /** A sample body of the team's ({@code ../shared/wazzup-samples}, or {@code -Dwazzup.samples}). */
    private static String sample(String name) {
        String configured = System.getProperty("wazzup.samples");
        Path samples = configured != null ? Path.of(configured) : null;
        for (Path p = Path.of("").toAbsolutePath(); samples == null && p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared").resolve("wazzup-samples");
            if (Files.isDirectory(candidate)) {
                samples = candidate;
            }
        }
        assertThat(samples).as("../shared/wazzup-samples beside the checkout (or -Dwazzup.samples)").isNotNull();
        try {
            return Files.readString(samples.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ authorisation

    @Test
    void aWrongSecretIsRefusedWithoutDetail() {
        start();
        for (String wrong : List.of("wrong", SECRET + "x", SECRET.substring(1), "", SECRET.toUpperCase())) {
            HttpResponse<String> r = post(wrong, "{\"test\":true}");
            assertThat(r.statusCode()).as("secret '%s'", wrong).isEqualTo(401);
            assertThat(json(r.body())).isEqualTo(json("{\"error\":\"UNAUTHORIZED\"}"));
        }
        HttpResponse<String> noSecretAtAll = http.send(TestHttp.request(whiteboard.uri(PATH))
                .POST(HttpRequest.BodyPublishers.ofString("{\"test\":true}")).build());
        assertThat(noSecretAtAll.statusCode()).isEqualTo(401);
        assertThat(json(noSecretAtAll.body())).isEqualTo(json("{\"error\":\"UNAUTHORIZED\"}"));

        assertThat(post(SECRET, "{\"test\":true}").statusCode()).isEqualTo(200);
    }

    @Test
    void theUrlSecretIsEnoughUntilWazzupIsSeenSendingTheCrmKeyAndThenItIsRequiredForGood() {
        start(CRM_KEY, MAX_BODY);
        String body = "{\"test\":true}";

        // a Wazzup that ignored the crmKey at POST /v3/connect sends none: the URL secret is enough
        assertThat(post(SECRET, body).statusCode()).as("URL secret alone, before any crmKey was seen").isEqualTo(200);
        // a header that is there must carry the crmKey
        assertThat(post(SECRET, body, "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
        assertThat(post(SECRET, body, "Authorization", CRM_KEY).statusCode()).as("no Bearer scheme").isEqualTo(401);
        assertThat(post(SECRET, body, "Authorization", "Basic " + CRM_KEY).statusCode()).as("another scheme").isEqualTo(401);
        assertThat(post("wrong", body, "Authorization", "Bearer " + CRM_KEY).statusCode())
                .as("the crmKey with a wrong URL secret").isEqualTo(401);
        assertThat(post(SECRET, body).statusCode()).as("refusals behind a wrong secret or key require nothing").isEqualTo(200);

        // the scheme in any case
        HttpResponse<String> ok = post(SECRET, body, "Authorization", "bEARER " + CRM_KEY);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(json(ok.body())).isEqualTo(json("{\"ok\":true}"));

        // seen once: required from now on, also after a restart over the same store
        assertThat(post(SECRET, body).statusCode()).as("URL secret alone after the crmKey was seen").isEqualTo(401);
        webhooks.close();
        webhooks = null;
        webhooks = webhooks(CRM_KEY, MAX_BODY, storage);
        assertThat(post(SECRET, body).statusCode()).as("URL secret alone after a restart").isEqualTo(401);
        assertThat(post(SECRET, body, "Authorization", "Bearer " + CRM_KEY).statusCode()).isEqualTo(200);

        // a new connection (another crmKey) starts over: Wazzup may not send that one
        webhooks.close();
        webhooks = null;
        webhooks = webhooks(CRM_KEY + "-new", MAX_BODY, storage);
        assertThat(post(SECRET, body).statusCode()).as("URL secret alone with a new crmKey").isEqualTo(200);
    }

    // ------------------------------------------------------------------ the body

    @Test
    void aBodyOverTheLimitIsRefusedWith413WithOrWithoutALength() {
        start(null, 1024);
        RawHttp c = connection();

        assertThat(rawPost(c, SECRET, testBodyOf(1024)).status()).as("exactly at the limit").isEqualTo(200);

        RawHttp.Response withLength = rawPost(c, SECRET, testBodyOf(1025));
        assertThat(withLength.status()).isEqualTo(413);
        assertThat(json(withLength.text()).path("error").asText()).isEqualTo("TOO_LARGE");

        RawHttp.Response chunked = c.sendChunked("POST", PATH + "/" + SECRET, Map.of("Content-Type", "application/json"),
                testBodyOf(3000), 500);
        assertThat(chunked.status()).as("chunked, no Content-Length").isEqualTo(413);
        assertThat(json(chunked.text()).path("error").asText()).isEqualTo("TOO_LARGE");

        RawHttp.Response chunkedWithin = c.sendChunked("POST", PATH + "/" + SECRET,
                Map.of("Content-Type", "application/json"), testBodyOf(1000), 300);
        assertThat(chunkedWithin.status()).as("chunked within the limit").isEqualTo(200);
    }

    @Test
    void aBodyThatIsNotAJsonObjectIs400() {
        start();
        for (String bad : List.of("not json", "[{\"test\":true}]", "\"text\"", "42", "{\"test\":", "")) {
            HttpResponse<String> r = post(SECRET, bad);
            assertThat(r.statusCode()).as("body '%s'", bad).isEqualTo(400);
            assertThat(json(r.body()).path("error").asText()).isEqualTo("INVALID_JSON");
        }
        assertThat(webhooks.state().stored()).isZero();
    }

    @Test
    void wazzupsAddressCheckIsAnswered200AndBecomesNoEvent() {
        start();
        HttpResponse<String> r = post(SECRET, sample("webhook-test.json"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));

        deliveredSoFar();
        assertThat(events.sent).hasSize(1); // the barrier's
        assertThat(webhooks.state().stored()).isEqualTo(1);
    }

    @Test
    void aGetIsNotAllowedAndSaysPost() {
        start();
        HttpResponse<String> r = http.get(whiteboard.uri(PATH + "/" + SECRET));
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("Allow")).hasValue("POST");
        showsNoSecret(r.body());
    }

    // ------------------------------------------------------------------ notifications

    @Test
    void eachMessageOfADeliveryBecomesExactlyOneEventEvenWhenWazzupRepeatsIt() {
        start();
        String delivery = sample("webhook-messages.json");
        String messageId = json(delivery).path("messages").path(0).path("messageId").asText();

        assertThat(post(SECRET, delivery).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> events.of(WazzupEvents.TOPIC_MESSAGE_RECEIVED).size() == 1);
        Event e = events.of(WazzupEvents.TOPIC_MESSAGE_RECEIVED).get(0);
        assertThat(e.getProperty(WazzupEvents.PROPERTY_MESSAGE_ID)).isEqualTo(messageId);
        assertThat(e.getProperty(WazzupEvents.PROPERTY_NOTIFICATION_KEY)).isEqualTo("m:" + messageId + ":new:inbound");
        assertThat(e.getProperty(WazzupEvents.PROPERTY_CHAT_TYPE)).isEqualTo("whatsapp");
        assertThat(e.getProperty(WazzupEvents.PROPERTY_CHAT_ID)).isEqualTo("79999999999");
        assertThat(e.getProperty(WazzupEvents.PROPERTY_MESSAGE_TYPE)).isEqualTo("image");
        assertThat((String) e.getProperty(WazzupEvents.PROPERTY_CONTENT_URI)).startsWith("https://store.wazzup24.com/");
        assertThat((String[]) e.getProperty(WazzupEvents.PROPERTY_CONTACT_IDS)).isEmpty();

        assertThat(post(SECRET, delivery).statusCode()).as("Wazzup's repeat").isEqualTo(200);
        deliveredSoFar();
        assertThat(events.of(WazzupEvents.TOPIC_MESSAGE_RECEIVED)).hasSize(1);
        assertThat(webhooks.state().stored()).as("the repeat is not stored").isEqualTo(2); // the message, the barrier
        assertThat(webhooks.state().pending()).isZero();
    }

    @Test
    void aLaterStateOfASeenMessageIsAnEventAndAnExactRepeatIsNot() {
        start();
        String sent = message("m-out", "79011112233", "your order").replace("\"isEcho\":false", "\"isEcho\":true")
                .replace("\"status\":\"inbound\"", "\"status\":\"sent\"");
        String failed = sent.replace("\"status\":\"sent\"", "\"status\":\"error\",\"error\":{\"error\":\"BAD_CONTACT\","
                + "\"description\":\"no such WhatsApp account\"}");
        assertThat(post(SECRET, "{\"messages\":[" + sent + "]}").statusCode()).isEqualTo(200);
        assertThat(post(SECRET, "{\"messages\":[" + failed + "]}").statusCode()).isEqualTo(200);
        assertThat(post(SECRET, "{\"messages\":[" + failed + "]}").statusCode()).as("Wazzup's repeat").isEqualTo(200);

        deliveredSoFar();
        assertThat(events.of(WazzupEvents.TOPIC_MESSAGE_SENT)).as("sent, then the failure; the repeat is none")
                .satisfiesExactly(
                        e -> assertThat(e.getProperty(WazzupEvents.PROPERTY_STATUS)).isEqualTo("sent"),
                        e -> {
                            assertThat(e.getProperty(WazzupEvents.PROPERTY_STATUS)).isEqualTo("error");
                            assertThat(e.getProperty(WazzupEvents.PROPERTY_ERROR_CODE)).isEqualTo("BAD_CONTACT");
                        });
    }

    @Test
    void eachMessageOfAManyMessageDeliveryIsOneEventOnItsTopic() {
        start();
        String echo = message("m-echo", "79011112233", "from the phone").replace("\"isEcho\":false", "\"isEcho\":true");
        String edited = message("m-edited", "79011112233", "fixed").replace("\"isEcho\":false", "\"isEdited\":true");
        assertThat(post(SECRET, "{\"messages\":[" + message("m-in", "79011112233", "hello") + "," + echo + "," + edited
                + "]}").statusCode()).isEqualTo(200);

        deliveredSoFar();
        List<Event> messages = List.copyOf(events.sent).subList(0, 3);
        assertThat(messages).extracting(Event::getTopic).containsExactly(WazzupEvents.TOPIC_MESSAGE_RECEIVED,
                WazzupEvents.TOPIC_MESSAGE_SENT, WazzupEvents.TOPIC_MESSAGE_EDITED);
        assertThat(events.keys().subList(0, 3)).satisfiesExactly(
                k -> assertThat(k).isEqualTo("m:m-in:new:inbound"),
                k -> assertThat(k).isEqualTo("m:m-echo:new:inbound"),
                k -> assertThat((String) k).startsWith("m:m-edited:edited:"));
        assertThat(events.sent).as("the three messages and the barrier").hasSize(4);
        assertThat(events.of(WazzupEvents.TOPIC_MESSAGE_RECEIVED)).singleElement()
                .satisfies(e -> assertThat(e.getProperty(WazzupEvents.PROPERTY_TEXT)).isEqualTo("hello"));
        assertThat(events.of(WazzupEvents.TOPIC_MESSAGE_SENT)).singleElement()
                .satisfies(e -> assertThat(e.getProperty(WazzupEvents.PROPERTY_MESSAGE_ID)).isEqualTo("m-echo"));
        assertThat(events.of(WazzupEvents.TOPIC_MESSAGE_EDITED)).singleElement()
                .satisfies(e -> assertThat(e.getProperty(WazzupEvents.PROPERTY_TEXT)).isEqualTo("fixed"));
    }

    @Test
    void pathologicalItemsAreSetAsideWithReadableReasonsAndTheGoodOnesGoOn() {
        start();
        ObjectNode withoutId = (ObjectNode) json(message("unused", "79011112233", "no id"));
        withoutId.remove("messageId");
        ArrayNode items = JSON.createArrayNode();
        items.add(json(message("m-good-1", "79011112233", "first")));
        items.add("a string instead of a message");
        items.add(withoutId);
        items.add(json(message("x".repeat(500), "79011112233", "long id")));
        items.add(json(message("m-long-chat", "7".repeat(5_000), "long chat")));
        items.add(json(message("m-good-2", "79011112244", "second")));
        ObjectNode delivery = JSON.createObjectNode().set("messages", items);

        assertThat(post(SECRET, delivery.toString()).statusCode()).isEqualTo(200);
        assertThat(post(SECRET, "{\"messages\": \"oops\"}").statusCode()).isEqualTo(200);

        deliveredSoFar();
        assertThat(events.of(WazzupEvents.TOPIC_MESSAGE_RECEIVED))
                .extracting(e -> e.getProperty(WazzupEvents.PROPERTY_MESSAGE_ID)).containsExactly("m-good-1", "m-good-2");

        List<SetAsideNotification> aside = webhooks.setAside(10);
        assertThat(aside).hasSize(5).allSatisfy(n -> {
            assertThat(n.kind()).isEqualTo(Notifications.MESSAGE);
            assertThat(n.receivedAt()).isNotNull();
        });
        assertThat(aside).extracting(SetAsideNotification::reason).containsExactlyInAnyOrder(
                "an item of 'messages' is not a JSON object but a string",
                "messageId is missing, null or not a string",
                "messageId has 500 characters, more than any Wazzup id (255)",
                "chatId has 5000 characters, more than any Wazzup id (255)",
                "'messages' is neither a list of objects nor an object but a string");
        assertThat(webhooks.state().setAside()).isEqualTo(5);
        assertThat(webhooks.state().pending()).isZero();
    }

    // ------------------------------------------------------------------ creations

    @Test
    void createContactAnswersTheEntityInWazzupsShapeAndARepeatTheSameWithoutAskingTheCrmAgain() {
        start();
        String request = sample("webhook-createContact.json");

        HttpResponse<String> first = post(SECRET, request);
        assertThat(first.statusCode()).isEqualTo(200);
        JsonNode contact = json(first.body());
        assertThat(contact.path("id").asText()).isEqualTo("c-1");
        assertThat(contact.path("responsibleUserId").asText()).isEqualTo("1");
        assertThat(contact.path("name").asText()).isEqualTo("contacts.name");
        assertThat(contact.path("uri").asText()).isEqualTo("https://crm.example.com/contacts/c-1");
        assertThat(contact.path("contactData")).hasSize(1);
        assertThat(contact.path("contactData").path(0).path("chatType").asText()).isEqualTo("whatsapp");
        assertThat(contact.path("contactData").path(0).path("chatId").asText()).isEqualTo("79011112233");
        assertThat(crm.contactRequests).singleElement().satisfies(r -> {
            assertThat(r.responsibleUserId()).isEqualTo("1");
            assertThat(r.requestKey()).isNotBlank();
        });

        HttpResponse<String> repeat = post(SECRET, request);
        assertThat(repeat.statusCode()).isEqualTo(200);
        assertThat(json(repeat.body())).isEqualTo(contact);
        assertThat(crm.contactRequests).as("the factory is asked once").hasSize(1);
    }

    @Test
    void concurrentRepeatsOfACreateContactMakeOneContact() throws Exception {
        start();
        String request = "{\"createContact\":{\"responsibleUserId\":\"7\",\"name\":\"Burst\",\"contactData\":"
                + "[{\"chatType\":\"whatsapp\",\"chatId\":\"79015556677\"}],\"source\":\"auto\"}}";
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> post(SECRET, request)));
            }
            List<String> ids = new ArrayList<>();
            for (Future<HttpResponse<String>> f : answers) {
                HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                ids.add(json(r.body()).path("id").asText());
            }
            assertThat(ids).containsOnly("c-1");
            assertThat(crm.contactRequests).hasSize(1);
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    // ------------------------------------------------------------------ the store

    @Test
    void aStoreStalledLongerThanTheTimeoutGets503AndWazzupsRetryIsOneEvent() {
        faulty = new FaultyDataSource("webhooks-" + UUID.randomUUID());
        start(null, MAX_BODY, StoreHandle.of(faulty, "default"));
        String delivery = "{\"messages\":[" + message("m-stalled", "79011112233", "while stalled") + "]}";

        faulty.stallFor(Inbox.STORE_TIMEOUT.toMillis() + 2_000);
        long t0 = System.nanoTime();
        HttpResponse<String> stalled = post(SECRET, delivery);
        assertThat(stalled.statusCode()).isEqualTo(503);
        assertThat(json(stalled.body()).path("error").asText()).isEqualTo("UNAVAILABLE");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Inbox.STORE_TIMEOUT);

        await("Wazzup's retry is accepted").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> post(SECRET, delivery).statusCode() == 200);
        deliveredSoFar();
        assertThat(events.of(WazzupEvents.TOPIC_MESSAGE_RECEIVED))
                .extracting(e -> e.getProperty(WazzupEvents.PROPERTY_MESSAGE_ID)).containsExactly("m-stalled");
    }

    // ------------------------------------------------------------------ connections

    @Test
    void aConnectionStaysUsableAfterA401WithASmallBody() {
        start();
        RawHttp c = connection();
        byte[] body = bytes("{\"messages\":[" + message("m-refused", "79011112233", "x".repeat(500)) + "]}");
        assertThat(body.length).as("within what a refusal drops").isLessThanOrEqualTo(Answers.REFUSED_ALLOWANCE);

        RawHttp.Response refused = rawPost(c, "wrong", body);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.closesConnection()).isFalse();

        RawHttp.Response next = rawPost(c, SECRET, bytes("{\"test\":true}"));
        assertThat(next.status()).as("the next request on the same connection").isEqualTo(200);

        deliveredSoFar();
        assertThat(events.of(WazzupEvents.TOPIC_MESSAGE_RECEIVED)).as("the refused message").isEmpty();
    }

    @Test
    void aPooledClientGetsBothAnswersAfterA401() {
        start();
        HttpResponse<String> refused = post("wrong", "{\"test\":true," + "\"pad\":\"" + "y".repeat(2_000) + "\"}");
        HttpResponse<String> accepted = post(SECRET, "{\"test\":true}");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(accepted.statusCode()).isEqualTo(200);
    }

    @Test
    void aConnectionStaysUsableAfterA413WhoseRestIsWithinTheAllowance() {
        start(null, 1024);
        RawHttp c = connection();

        RawHttp.Response tooLarge = rawPost(c, SECRET, testBodyOf(200 * 1024));
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.closesConnection()).isFalse();

        assertThat(rawPost(c, SECRET, bytes("{\"test\":true}")).status()).isEqualTo(200);
    }

    @Test
    void a401WithABodyOverItsAllowanceEndsTheConnection() {
        start();
        RawHttp c = connection();
        RawHttp.Response refused = rawPost(c, "wrong", testBodyOf(100 * 1024));
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.closesConnection()).isTrue();
        assertThat(c.closedByServer(10_000)).isTrue();
    }

    @Test
    void a401DoesNotWaitForABodyThatIsDrippedAndEndsTheConnection() {
        start();
        RawHttp c = connection();
        // 2 KB announced, 10 bytes sent: the answer must not wait for the rest
        RawHttp.Response refused = c.sendPartial("POST", PATH + "/wrong", Map.of("Content-Type", "application/json"),
                2048, bytes("{\"messages\""), 5_000);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.closesConnection()).isTrue();
        assertThat(c.closedByServer(10_000)).as("closed without reading the rest").isTrue();
    }

    @Test
    void anAuthorisedBodyThatDoesNotArriveInTimeIs408AndTheConnectionEnds() {
        storage = StoreHandle.embedded(dir.toFile(), "default");
        webhooks = new Webhooks(new Webhooks.Config(PATH, SECRET, null, MAX_BODY, null, null, null,
                IntegrationScheme.CLIENT_MANAGEMENT).withBodyTimeout(Duration.ofMillis(500)),
                new Webhooks.Host(() -> crm, () -> crm, () -> events, whiteboard), storage.store(), storage.writer(),
                Fence.NONE, null, new Payloads(PhoneRules.NONE), Clock.systemUTC(), List.of());
        webhooks.start();
        RawHttp c = connection();
        RawHttp.Response late = c.sendPartial("POST", PATH + "/" + SECRET, Map.of("Content-Type", "application/json"),
                2048, bytes("{\"messages\":["), 10_000);
        assertThat(late.status()).isEqualTo(408);
        assertThat(json(late.text()).path("error").asText()).isEqualTo("TIMEOUT");
        assertThat(c.closedByServer(10_000)).isTrue();
        assertThat(post(SECRET, "{\"test\":true}").statusCode()).as("the endpoint still serves").isEqualTo(200);
    }

    @Test
    void jsonNestedDeeperThanTheLimitIs400WhateverTheJacksonVersion() {
        start();
        String deep = "{\"test\":" + "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH) + "}";
        HttpResponse<String> r = post(SECRET, deep);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).path("error").asText()).isEqualTo("TOO_DEEP");
        String within = "{\"test\":" + "[".repeat(Json.MAX_DEPTH - 1) + "]".repeat(Json.MAX_DEPTH - 1) + "}";
        assertThat(post(SECRET, within).statusCode()).as("at the limit").isEqualTo(200);
        String bracketsInAString = "{\"test\":true,\"note\":\"" + "[{".repeat(200) + "\\\"\"}";
        assertThat(post(SECRET, bracketsInAString).statusCode()).as("brackets inside a string do not count").isEqualTo(200);
    }

    @Test
    void aHostThatFailsWithAnErrorGets500AndNoLogLineHasTheUrlsSecret() {
        start();
        crm.failWith = new NoClassDefFoundError("com/example/crm/ContactEntity");
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream console = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(console, true, StandardCharsets.UTF_8));
        HttpResponse<String> r;
        try {
            r = post(SECRET, "{\"createContact\":{\"responsibleUserId\":\"7\",\"name\":\"Err\",\"contactData\":"
                    + "[{\"chatType\":\"whatsapp\",\"chatId\":\"79015550000\"}],\"source\":\"auto\"}}");
        } finally {
            System.setErr(err);
        }
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(json(r.body()).path("error").asText()).isEqualTo("INTERNAL");
        String logged = console.toString(StandardCharsets.UTF_8);
        assertThat(logged).as("the failure is logged").contains("NoClassDefFoundError");
        assertThat(logged).as("but not the URI with its secret (the container would log it)").doesNotContain(SECRET);
        crm.failWith = null;
        assertThat(post(SECRET, "{\"test\":true}").statusCode()).isEqualTo(200);
    }

    @Test
    void secretsAreNeverInAnAnswer() {
        start(CRM_KEY, 1024);
        List<String> bodies = new ArrayList<>();
        bodies.add(post(SECRET, "{\"test\":true}").body());
        bodies.add(post(SECRET + "x", "{\"test\":true}", "Authorization", "Bearer " + CRM_KEY).body());
        bodies.add(post(SECRET, "nope", "Authorization", "Bearer " + CRM_KEY).body());
        bodies.add(post(SECRET, "x".repeat(2_000), "Authorization", "Bearer " + CRM_KEY).body());
        bodies.add(http.send(TestHttp.request(whiteboard.uri(PATH + "/" + SECRET))
                .header("Authorization", "Bearer " + CRM_KEY)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(testBodyOf(5_000)))).build())
                .body());
        assertThat(bodies).hasSize(5).allSatisfy(WebhookServletTest::showsNoSecret);
    }

    // ------------------------------------------------------------------ fakes

    /** An EventAdmin that keeps every event, in order. */
    static final class CollectingEvents implements EventAdmin {

        final List<Event> sent = new CopyOnWriteArrayList<>();

        @Override
        public void postEvent(Event event) {
            sent.add(event);
        }

        @Override
        public void sendEvent(Event event) {
            sent.add(event);
        }

        List<Event> of(String topic) {
            return sent.stream().filter(e -> e.getTopic().equals(topic)).toList();
        }

        List<Object> keys() {
            return sent.stream().map(e -> e.getProperty(WazzupEvents.PROPERTY_NOTIFICATION_KEY)).toList();
        }
    }

    /** A host in memory: what the factory creates, the directory finds. */
    static final class MemoryCrm implements CrmDirectory, CrmEntityFactory {

        final Map<String, CrmContact> contacts = new ConcurrentHashMap<>();
        final Map<String, CrmDeal> deals = new ConcurrentHashMap<>();
        final List<NewContactRequest> contactRequests = new CopyOnWriteArrayList<>();
        final List<NewDealRequest> dealRequests = new CopyOnWriteArrayList<>();
        private final AtomicInteger ids = new AtomicInteger();

        /** Thrown by the next creations (a host whose classes went away, say). */
        volatile Error failWith;

        @Override
        public CrmContact createContact(NewContactRequest request) {
            if (failWith != null) {
                throw failWith;
            }
            contactRequests.add(request);
            String id = "c-" + ids.incrementAndGet();
            CrmContact c = new CrmContact(id, request.responsibleUserId(), request.name(), request.chats(),
                    "https://crm.example.com/contacts/" + id);
            contacts.put(id, c);
            return c;
        }

        @Override
        public CrmDeal createDeal(NewDealRequest request) {
            dealRequests.add(request);
            String id = "d-" + ids.incrementAndGet();
            CrmDeal d = new CrmDeal(id, request.responsibleUserId(), "Deal " + id, request.contactIds(),
                    "https://crm.example.com/deals/" + id, false);
            deals.put(id, d);
            return d;
        }

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
}
