package dev.crmbridge.wazzup.internal.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crmbridge.wazzup.api.chat.ChatButton;
import dev.crmbridge.wazzup.api.model.ChatHandle;
import dev.crmbridge.wazzup.api.model.CrmContact;
import dev.crmbridge.wazzup.api.model.CrmDeal;
import dev.crmbridge.wazzup.api.model.CrmUser;
import dev.crmbridge.wazzup.api.model.Pipeline;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.spi.CrmEntityFactory;
import dev.crmbridge.wazzup.api.spi.CrmSession;
import dev.crmbridge.wazzup.api.spi.NewContactRequest;
import dev.crmbridge.wazzup.api.spi.NewDealRequest;
import dev.crmbridge.wazzup.api.spi.Page;
import dev.crmbridge.wazzup.emulator.Account;
import dev.crmbridge.wazzup.emulator.Fault;
import dev.crmbridge.wazzup.emulator.WazzupEmulator;
import dev.crmbridge.wazzup.emulator.model.JournalEntry;
import dev.crmbridge.wazzup.internal.client.RateLimiters;
import dev.crmbridge.wazzup.internal.client.RetryPolicy;
import dev.crmbridge.wazzup.internal.client.TimeSource;
import dev.crmbridge.wazzup.internal.client.WazzupClient;
import dev.crmbridge.wazzup.internal.store.FaultyDataSource;
import dev.crmbridge.wazzup.internal.store.StoreHandle;
import dev.crmbridge.wazzup.internal.sync.Payloads;
import dev.crmbridge.wazzup.internal.sync.PhoneRules;
import dev.crmbridge.wazzup.internal.web.HeaderSession;
import dev.crmbridge.wazzup.internal.web.JettyWhiteboard;
import dev.crmbridge.wazzup.internal.web.RawHttp;
import dev.crmbridge.wazzup.internal.web.TestHttp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ChatServlet} over real HTTP (embedded Jetty 9.4) as {@link Chats} registers it, with a
 * {@link ChatService} against the Wazzup emulator: who the user is (always the session's), the
 * refusals and their codes, the counter, the deal endpoint's guards, the static files, and a body too
 * large to read ending the connection.
 */
class ChatServletTest {

    private static final String CHAT = "/wazzup/chat";
    private static final String IFRAME = "POST /v3/iframe";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JettyWhiteboard whiteboard = new JettyWhiteboard();
    private final TestHttp http = new TestHttp();
    private final HeaderSession session = new HeaderSession().add("u1", "Anna Manager", false)
            .add("other", "Other Manager", false);
    private final MemoryCrm crm = new MemoryCrm();
    private final Payloads payloads = new Payloads(PhoneRules.NONE);
    private final List<String> dealsSaved = new CopyOnWriteArrayList<>();
    private final List<RawHttp> connections = new ArrayList<>();
    private volatile CrmSession sessionService = session;
    private WazzupEmulator wazzup;
    private Account account;
    private WazzupClient client;
    private FaultyDataSource database;
    private StoreHandle storage;
    private Chats chats;

    @BeforeEach
    void setUp() {
        crm.users.put("u1", new CrmUser("u1", "Anna Manager", null));
        crm.users.put("other", new CrmUser("other", "Other Manager", null));
        crm.contacts.put("c-anna", new CrmContact("c-anna", "u1", "Anna Client",
                List.of(ChatHandle.whatsapp("+7 (901) 111-22-33")), "https://crm.example.com/contacts/c-anna"));
        crm.contacts.put("c-hidden", new CrmContact("c-hidden", "other", "Hidden Client",
                List.of(ChatHandle.whatsapp("79014445566")), "https://crm.example.com/contacts/c-hidden"));
        crm.contacts.put("c-mute", new CrmContact("c-mute", "u1", "Mute Without Messenger", List.of(),
                "https://crm.example.com/contacts/c-mute"));
        crm.deals.put("d-anna", new CrmDeal("d-anna", "u1", "Sofa for Anna", List.of("c-anna"),
                "https://crm.example.com/deals/d-anna", false));
        crm.deals.put("d-hidden", new CrmDeal("d-hidden", "other", "Hidden deal", List.of("c-hidden"),
                "https://crm.example.com/deals/d-hidden", false));
        session.hidden.addAll(List.of("c-hidden", "d-hidden"));

        wazzup = WazzupEmulator.builder().start();
        account = wazzup.createAccount("acc");
        client = WazzupClient.builder().baseUrl(wazzup.baseUrl()).apiKey(account.apiKey())
                .rateLimiters(new RateLimiters(TimeSource.SYSTEM))
                .retryPolicy(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(50))).build();
        // what the sync would have sent: the window is opened for users and chats Wazzup knows
        client.users().upsert(crm.users.values().stream().map(payloads::user).toList());
        client.contacts().upsert(crm.contacts.values().stream().map(payloads::contact).filter(Objects::nonNull).toList());
        wazzup.journal().clear();

        database = new FaultyDataSource("chat-" + UUID.randomUUID());
        storage = StoreHandle.of(database, "default");
    }

    @AfterEach
    void tearDown() throws SQLException {
        connections.forEach(RawHttp::close);
        if (chats != null) {
            chats.close();
        }
        http.close();
        whiteboard.close();
        client.close();
        wazzup.close();
        storage.close();
        try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN");
        }
    }

    // ------------------------------------------------------------------ helpers

    private void start(boolean dealEvents) {
        start(dealEvents, ChatService.DEFAULT_WINDOWS_PER_MINUTE, Duration.ofSeconds(5));
    }

    private void start(boolean dealEvents, int windowsPerMinute, Duration responseTimeout) {
        ChatService service = new ChatService(client, () -> crm, payloads,
                new ChatService.Options("", dealEvents, windowsPerMinute), Duration.ofSeconds(30), responseTimeout,
                Clock.systemUTC());
        ChatDeals deals = new ChatDeals(() -> crm, storage.store(), payloads, dealsSaved::add, null, null,
                Clock.systemUTC());
        chats = new Chats(whiteboard, CHAT, 30, service, deals, () -> sessionService, dealEvents, null);
    }

    private HttpResponse<String> get(String pathAndQuery, String user) {
        HttpRequest.Builder b = TestHttp.request(whiteboard.uri(CHAT + pathAndQuery)).GET();
        if (user != null) {
            b.header(HeaderSession.HEADER, user);
        }
        return http.send(b.build());
    }

    private HttpResponse<String> postDeal(String body, String user, boolean withHeader) {
        HttpRequest.Builder b = TestHttp.request(whiteboard.uri(CHAT + "/deal"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (user != null) {
            b.header(HeaderSession.HEADER, user);
        }
        if (withHeader) {
            b.header(ChatServlet.CSRF_HEADER, "1");
        }
        return http.send(b.build());
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertError(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode body = json(r.body());
        assertThat(body.path("error").asText()).isEqualTo(code);
        assertThat(body.path("message").asText()).isNotBlank();
    }

    private List<JournalEntry> iframeCalls() {
        return wazzup.journal().entries(IFRAME);
    }

    // ------------------------------------------------------------------ who is signed in

    @Test
    void withoutASessionServiceTheEndpointsAnswer503NoSessionService() {
        sessionService = null;
        start(true);
        assertError(get("/window?scope=global", "u1"), 503, "NO_SESSION_SERVICE");
        assertError(get("/counter", "u1"), 503, "NO_SESSION_SERVICE");
        assertError(postDeal("{\"chatType\":\"whatsapp\",\"chatId\":\"79011112233\"}", "u1", true), 503,
                "NO_SESSION_SERVICE");
        assertThat(iframeCalls()).isEmpty();
    }

    @Test
    void aFailingSessionServiceIs500() {
        session.failing = true;
        start(false);
        assertError(get("/window?scope=global", "u1"), 500, "SESSION_FAILED");
        assertError(get("/counter", "u1"), 500, "SESSION_FAILED");
        assertThat(iframeCalls()).isEmpty();
    }

    @Test
    void nobodySignedInIs401() {
        start(true);
        assertError(get("/window?scope=global", null), 401, "UNAUTHORIZED");
        assertError(get("/window?scope=global&user=u1", "nobody-known"), 401, "UNAUTHORIZED");
        assertError(get("/window?scope=card&contact=c-anna", null), 401, "UNAUTHORIZED");
        assertError(get("/counter", null), 401, "UNAUTHORIZED");
        assertError(postDeal("{\"chatType\":\"whatsapp\",\"chatId\":\"79011112233\"}", null, true), 401, "UNAUTHORIZED");
        assertThat(iframeCalls()).isEmpty();
    }

    // ------------------------------------------------------------------ windows

    @Test
    void theGlobalWindowIsTheSignedInUsersWhateverUserTheRequestNames() {
        start(false);
        HttpResponse<String> r = get("/window?scope=global&user=other&userId=other&user.id=other", "u1");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        String url = json(r.body()).path("url").asText();
        assertThat(url).startsWith(wazzup.baseUrl().toString());

        assertThat(iframeCalls()).singleElement().satisfies(call -> {
            JsonNode sent = json(call.body());
            assertThat(sent.path("user").path("id").asText()).isEqualTo("u1");
            assertThat(sent.path("user").path("name").asText()).isEqualTo("Anna Manager");
            assertThat(sent.path("scope").asText()).isEqualTo("global");
            assertThat(call.body()).doesNotContain("other").doesNotContain("Other Manager");
        });
        String token = url.substring(url.lastIndexOf('/') + 1);
        assertThat(wazzup.iframeSession(token)).hasValueSatisfying(s -> assertThat(s.userId()).isEqualTo("u1"));
    }

    @Test
    void aContactCardOpensWithThatContactsChatAndADealCardWithItsContacts() {
        start(false);
        assertThat(get("/window?scope=card&contact=c-anna", "u1").statusCode()).isEqualTo(200);
        assertThat(get("/window?scope=card&deal=d-anna", "u1").statusCode()).isEqualTo(200);

        assertThat(iframeCalls()).hasSize(2).allSatisfy(call -> {
            JsonNode sent = json(call.body());
            assertThat(sent.path("user").path("id").asText()).isEqualTo("u1");
            assertThat(sent.path("scope").asText()).isEqualTo("card");
            assertThat(sent.path("filter")).hasSize(1);
            assertThat(sent.path("filter").path(0).path("chatType").asText()).isEqualTo("whatsapp");
            assertThat(sent.path("filter").path(0).path("chatId").asText()).isEqualTo("79011112233");
            assertThat(sent.path("activeChat").path("chatId").asText()).isEqualTo("79011112233");
        });
    }

    @Test
    void aCardTheUserMayNotSeeIs403AndAsksWazzupNothing() {
        start(false);
        assertError(get("/window?scope=card&contact=c-hidden", "u1"), 403, "FORBIDDEN");
        assertError(get("/window?scope=card&deal=d-hidden", "u1"), 403, "FORBIDDEN");
        assertThat(iframeCalls()).isEmpty();
    }

    @Test
    void aBadScopeIs400() {
        start(false);
        for (String query : List.of("", "?scope=everything", "?scope=card", "?scope=card&contact=",
                "?scope=card&contact=c-anna&deal=d-anna", "?scope=GLOBAL")) {
            assertError(get("/window" + query, "u1"), 400, "BAD_REQUEST");
        }
        assertThat(iframeCalls()).isEmpty();
    }

    @Test
    void aCardOfNoSuchContactIs404AndOfAContactWithoutAMessengerIs422() {
        start(false);
        assertError(get("/window?scope=card&contact=c-missing", "u1"), 404, "NOT_FOUND");
        HttpResponse<String> mute = get("/window?scope=card&contact=c-mute", "u1");
        assertError(mute, 422, "NO_CHAT");
        assertThat(json(mute.body()).path("message").asText()).contains("Mute Without Messenger");
        assertThat(iframeCalls()).isEmpty();
    }

    // ------------------------------------------------------------------ the counter

    @Test
    void theCounterIsTheSignedInUsersUnansweredCountAndColour() {
        start(false);
        account.customerWrites("whatsapp", "79011112233", "Hello, is the sofa still there?");

        HttpResponse<String> r = get("/counter?user=other", "u1");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode counter = json(r.body());
        assertThat(counter.path("count").asInt()).isEqualTo(1);
        assertThat(counter.path("colour").asText()).isEqualTo("red");
        assertThat(counter.path("lastMessageAt").isTextual()).isTrue();
        assertThat(counter.path("asOf").asText()).isNotBlank();
        assertThat(wazzup.journal().entries(e -> e.path().startsWith("/v3/unanswered/")))
                .extracting(JournalEntry::path).containsExactly("/v3/unanswered/u1");

        JsonNode others = json(get("/counter", "other").body());
        assertThat(others.path("count").asInt()).isZero();
        assertThat(others.path("colour").asText()).isEqualTo("none");
    }

    // ------------------------------------------------------------------ "+" in the Deals dropdown

    @Test
    void postingADealWithoutItsHeaderIs403() {
        start(true);
        assertError(postDeal("{\"chatType\":\"whatsapp\",\"chatId\":\"79011112233\"}", "u1", false), 403, "FORBIDDEN");
        assertThat(crm.dealRequests).isEmpty();
        assertThat(dealsSaved).isEmpty();
    }

    @Test
    void postingADealWithDealEventsOffIs409() {
        start(false);
        assertError(postDeal("{\"chatType\":\"whatsapp\",\"chatId\":\"79011112233\"}", "u1", true), 409,
                "DEAL_EVENTS_OFF");
        assertThat(crm.dealRequests).isEmpty();
    }

    @Test
    void aChatOfAContactTheManagerMayNotSeeAnswersAsAnUnknownChatDoes() {
        start(true);
        // the sync knows who owns the hidden client's chat
        var hidden = payloads.contact(crm.contacts.get("c-hidden"));
        storage.store().aligned(dev.crmbridge.wazzup.api.sync.EntityType.CONTACT, Map.of("c-hidden", "h"),
                Map.of("c-hidden", dev.crmbridge.wazzup.internal.sync.Payloads.refs(hidden)), 0);
        HttpResponse<String> ofHidden = postDeal("{\"chatType\":\"whatsapp\",\"chatId\":\"79014445566\"}", "u1", true);
        HttpResponse<String> unknown = postDeal("{\"chatType\":\"whatsapp\",\"chatId\":\"79019999999\"}", "u1", true);
        assertError(ofHidden, 404, "NOT_FOUND");
        assertThat(ofHidden.body()).as("nothing tells the two apart").isEqualTo(unknown.body());
        assertThat(crm.dealRequests).isEmpty();
    }

    @Test
    void aDealRequestThatIsNotTheChatIs400() {
        start(true);
        for (String bad : List.of("", "nope", "[]", "{\"chatType\":\"whatsapp\"}", "{\"chatType\":1,\"chatId\":\"2\"}")) {
            assertError(postDeal(bad, "u1", true), 400, "BAD_REQUEST");
        }
        assertThat(crm.dealRequests).isEmpty();
    }

    // ------------------------------------------------------------------ files, paths, connections

    @Test
    void theWebComponentAndItsIconAreServed() {
        start(false);
        HttpResponse<String> js = get("/static/wazzup-chat.js", null);
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
        assertThat(js.body()).contains("wazzup-chat-button");

        HttpResponse<String> svg = get("/static/chat.svg", null);
        assertThat(svg.statusCode()).isEqualTo(200);
        assertThat(svg.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("image/svg+xml"));
        assertThat(svg.body()).contains("<svg");
    }

    @Test
    void anUnknownPathIs404() {
        start(true);
        assertError(get("/nothing-here", "u1"), 404, "NOT_FOUND");
        assertError(get("", "u1"), 404, "NOT_FOUND");
        assertError(get("/static/other.js", "u1"), 404, "NOT_FOUND");
        assertError(get("/window/more?scope=global", "u1"), 404, "NOT_FOUND");
        HttpResponse<String> post = http.send(TestHttp.request(whiteboard.uri(CHAT + "/window"))
                .header(ChatServlet.CSRF_HEADER, "1").header(HeaderSession.HEADER, "u1")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertError(post, 404, "NOT_FOUND");
        assertThat(iframeCalls()).isEmpty();
    }

    @Test
    void aPostWithABodyOver4096BytesIsAnsweredWithConnectionClose() {
        start(true);
        Map<String, String> headers = Map.of("Content-Type", "application/json", ChatServlet.CSRF_HEADER, "1",
                HeaderSession.HEADER, "u1");
        String pad = "{\"chatType\":\"whatsapp\",\"chatId\":\"79011112233\",\"pad\":\"";

        RawHttp within = new RawHttp(whiteboard.base());
        connections.add(within);
        byte[] atLimit = (pad + "x".repeat(4096 - pad.length() - 2) + "\"}").getBytes(StandardCharsets.UTF_8);
        assertThat(atLimit).hasSize(4096);
        RawHttp.Response first = within.send("POST", CHAT + "/deal", headers, atLimit);
        assertThat(first.status()).as("answered from the body").isIn(200, 404);
        assertThat(first.closesConnection()).as("a body of 4096 bytes is read in full").isFalse();
        RawHttp.Response refused = within.send("POST", CHAT + "/nothing", headers,
                ("{\"pad\":\"" + "x".repeat(500) + "\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(refused.status()).isEqualTo(404);
        assertThat(refused.closesConnection()).as("a small refused body that has arrived is dropped").isFalse();
        assertThat(within.send("GET", CHAT + "/static/chat.svg", Map.of(), null).status())
                .as("the next request on the same connection").isEqualTo(200);

        RawHttp over = new RawHttp(whiteboard.base());
        connections.add(over);
        byte[] tooLong = (pad + "x".repeat(5_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        RawHttp.Response answer = over.send("POST", CHAT + "/deal", headers, tooLong);
        assertThat(answer.status()).as("refused by its length, unread").isEqualTo(413);
        assertThat(answer.closesConnection()).isTrue();
        assertThat(over.closedByServer(10_000)).isTrue();
        assertThat(crm.dealRequests).isEmpty();
    }

    @Test
    void aPostFromAnotherSitesPageIs403AndOneFromThisHostPasses() {
        start(true);
        Map<String, String> headers = Map.of("Content-Type", "application/json", ChatServlet.CSRF_HEADER, "1",
                HeaderSession.HEADER, "u1");
        byte[] body = "{\"chatType\":\"whatsapp\",\"chatId\":\"79011112233\"}".getBytes(StandardCharsets.UTF_8);
        for (String foreign : List.of("https://evil.example", "null", "http://127.0.0.1:1", "http://localhost."
                + whiteboard.base().getPort())) {
            RawHttp c = new RawHttp(whiteboard.base());
            connections.add(c);
            Map<String, String> withOrigin = new java.util.HashMap<>(headers);
            withOrigin.put("Origin", foreign);
            RawHttp.Response r = c.send("POST", CHAT + "/deal", withOrigin, body);
            assertThat(r.status()).as("Origin %s", foreign).isEqualTo(403);
            assertThat(json(r.text()).path("error").asText()).isEqualTo("FORBIDDEN");
        }
        assertThat(crm.dealRequests).isEmpty();
        RawHttp same = new RawHttp(whiteboard.base());
        connections.add(same);
        Map<String, String> own = new java.util.HashMap<>(headers);
        own.put("Origin", "http://" + whiteboard.base().getHost() + ":" + whiteboard.base().getPort());
        assertThat(same.send("POST", CHAT + "/deal", own, body).status()).as("this host's own page").isNotEqualTo(403);
    }

    @Test
    void aPostWithoutASessionIsRefusedAtOnceWithoutWaitingForItsBody() {
        start(true);
        RawHttp c = new RawHttp(whiteboard.base());
        connections.add(c);
        RawHttp.Response r = c.sendPartial("POST", CHAT + "/deal", Map.of("Content-Type", "application/json",
                ChatServlet.CSRF_HEADER, "1"), 4000, "{\"chat".getBytes(StandardCharsets.UTF_8), 5_000);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.closesConnection()).isTrue();
        assertThat(c.closedByServer(10_000)).isTrue();
    }

    @Test
    void oneUserOpeningWindowsInALoopIsThrottledAndOthersAreNot() {
        start(false, 3, Duration.ofSeconds(5));
        for (int i = 0; i < 3; i++) {
            assertThat(get("/window?scope=global", "u1").statusCode()).isEqualTo(200);
        }
        assertError(get("/window?scope=global", "u1"), 429, "BUSY");
        assertThat(iframeCalls()).as("the refused window costs no request").hasSize(3);
        crm.users.put("u2", new CrmUser("u2", "Boris Manager", null));
        session.add("u2", "Boris Manager", false);
        client.users().upsert(List.of(payloads.user(crm.users.get("u2"))));
        assertThat(get("/window?scope=global", "u2").statusCode()).as("another user's budget").isEqualTo(200);
    }

    @Test
    void underAHangingWazzupACounterRequestEndsWithinTheResponseTimeoutAndThenServesTheLastValue() {
        client.close();
        client = WazzupClient.builder().baseUrl(wazzup.baseUrl()).apiKey(account.apiKey())
                .rateLimiters(new RateLimiters(TimeSource.SYSTEM)).responseTimeout(Duration.ofSeconds(2))
                .retryPolicy(new RetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(50))).build();
        start(false, 30, Duration.ofSeconds(2));
        assertThat(get("/counter", "u1").statusCode()).isEqualTo(200);
        // Wazzup hangs for a minute on every counter from now on
        wazzup.faults().next("GET /v3/unanswered/{userId}", 10, Fault.delay(Duration.ofSeconds(60)));
        crm.users.put("u2", new CrmUser("u2", "Boris Manager", null));
        session.add("u2", "Boris Manager", false);
        long t0 = System.nanoTime();
        HttpResponse<String> first = get("/counter", "u2");
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(first.statusCode()).as("no value yet, and none in time").isEqualTo(503);
        assertThat(took).as("one attempt within the response timeout, not four").isLessThan(Duration.ofSeconds(10));

        chats.service().messagesArrived(); // u1's value is stale now
        long t1 = System.nanoTime();
        HttpResponse<String> stale = get("/counter", "u1");
        assertThat(stale.statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - t1)).as("the stale value at once, refreshed behind")
                .isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void theThreeChatButtonsArePublishedWithTheirSlots() {
        start(false);
        assertThat(whiteboard.published(ChatButton.class)).extracting(p -> p.properties().get("dev.crmbridge.wazzup.ui.slot"))
                .containsExactlyInAnyOrder(ChatButton.SLOT_GLOBAL_TOOLBAR, ChatButton.SLOT_CONTACT_CARD,
                        ChatButton.SLOT_DEAL_CARD);
        chats.close();
        assertThat(whiteboard.published()).isEmpty();
        assertThat(get("/static/chat.svg", null).statusCode()).as("the servlet is gone").isEqualTo(404);
        chats = null;
    }

    // ------------------------------------------------------------------ fakes

    /** A host CRM in memory: users, contacts and deals by id; deals it is asked to create are recorded. */
    static final class MemoryCrm implements CrmDirectory, CrmEntityFactory {

        final Map<String, CrmUser> users = new ConcurrentHashMap<>();
        final Map<String, CrmContact> contacts = new ConcurrentHashMap<>();
        final Map<String, CrmDeal> deals = new ConcurrentHashMap<>();
        final List<NewDealRequest> dealRequests = new CopyOnWriteArrayList<>();

        @Override
        public List<CrmUser> users(Collection<String> ids) {
            return ids.stream().map(users::get).filter(Objects::nonNull).toList();
        }

        @Override
        public Page<CrmUser> users(String cursor, int limit) {
            return Page.of(List.copyOf(users.values()), cursor, limit);
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

        @Override
        public CrmContact createContact(NewContactRequest request) {
            throw new UnsupportedOperationException("the chat window creates no contacts");
        }

        @Override
        public CrmDeal createDeal(NewDealRequest request) {
            dealRequests.add(request);
            String id = "d-new-" + dealRequests.size();
            CrmDeal d = new CrmDeal(id, request.responsibleUserId(), "New deal", request.contactIds(),
                    "https://crm.example.com/deals/" + id, false);
            deals.put(id, d);
            return d;
        }
    }
}
