package dev.crmbridge.wazzup.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crmbridge.wazzup.api.WazzupConnector;
import dev.crmbridge.wazzup.api.chat.ChatButton;
import dev.crmbridge.wazzup.api.chat.ChatWindowException;
import dev.crmbridge.wazzup.api.chat.ChatWindows;
import dev.crmbridge.wazzup.api.chat.Unanswered;
import dev.crmbridge.wazzup.api.chat.UnansweredCounters;
import dev.crmbridge.wazzup.api.model.ChatHandle;
import dev.crmbridge.wazzup.api.model.CrmContact;
import dev.crmbridge.wazzup.api.model.CrmDeal;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.spi.CrmEntityFactory;
import dev.crmbridge.wazzup.api.spi.CrmSession;
import dev.crmbridge.wazzup.api.spi.NewDealRequest;
import dev.crmbridge.wazzup.api.sync.SyncStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The chat buttons' endpoints and services in a real framework against the emulator: windows in both
 * scopes for the signed-in user only, the refusals (401, 403, no chat handle, unknown card), the
 * counter cache under a thousand concurrent requests and its refresh by a customer's message, the
 * chat-button descriptors, and "+" in the Deals dropdown with deal events on.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ChatIT extends WazzupTestSupport {

    private static final String CHAT = "/wazzup/chat";
    private static final String SECRET = "it-chat-webhook-secret-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CHAT_KEY = Pattern.compile("class=\"chat[^\"]*\" data-chat=\"([^\"]+)\"");

    @Inject
    private ConfigurationAdmin configAdmin;

    private EmulatorControl wazzup;
    private ItDirectory crm;
    private ItSession session;
    private ItFactory factory;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private String accountId;

    @Configuration
    public Option[] config() {
        return OptionUtils.combine(baseConfiguration(), emulator());
    }

    @Before
    public void setUp() {
        wazzup = EmulatorControl.fromSystemProperty();
        crm = ItDirectory.generated(3, 1, 0, 0);
        crm.contacts.put("c-two", new CrmContact("c-two", "u1", "Anna Two-Chats",
                List.of(ChatHandle.whatsapp("+7 (901) 111-22-33"), ChatHandle.telegramUsername("@anna_two")),
                "https://crm.example.com/contacts/c-two"));
        crm.contacts.put("c-other", new CrmContact("c-other", "u2", "Boris Other",
                List.of(ChatHandle.whatsapp("79014445566")), "https://crm.example.com/contacts/c-other"));
        crm.contacts.put("c-mute", new CrmContact("c-mute", "u1", "Mute Without Messenger", List.of(),
                "https://crm.example.com/contacts/c-mute"));
        crm.contacts.put("c-third", new CrmContact("c-third", "u1", "Third Party",
                List.of(ChatHandle.whatsapp("79017778899")), "https://crm.example.com/contacts/c-third"));
        crm.deals.put("d-two", new CrmDeal("d-two", "u1", "Sofa for Anna", List.of("c-two", "c-third"),
                "https://crm.example.com/deals/d-two", false));
        crm.deals.put("d-mute", new CrmDeal("d-mute", "u1", "Silent deal", List.of("c-mute"),
                "https://crm.example.com/deals/d-mute", false));
        session = new ItSession(crm);
        factory = new ItFactory(crm);
        registrations.add(context.registerService(CrmDirectory.class, crm, null));
        registrations.add(context.registerService(CrmEntityFactory.class, factory, null));
    }

    @After
    public void tearDown() throws Exception {
        unconfigure(configAdmin);
        wazzup.clearFaults();
        registrations.forEach(ServiceRegistration::unregister);
        registrations.clear();
    }

    private SyncStatus connect(Map<String, Object> extra) throws Exception {
        String[] account = wazzup.createAccount();
        accountId = account[0];
        Map<String, Object> props = new HashMap<>(Map.of(WazzupConnector.PROPERTY_API_KEY, account[1],
                WazzupConnector.PROPERTY_API_BASE_URL, wazzup.baseUrl(), "webhookSecret", SECRET, "batchDelayMillis", 50));
        props.putAll(extra);
        configure(configAdmin, props);
        SyncStatus status = syncStatus();
        // the users must be in Wazzup before it opens windows for them
        await("users and contacts synced", Duration.ofSeconds(30), () -> status.initialSyncComplete()
                && wazzup.account(accountId).get("users").size() == crm.users.size()
                && wazzup.account(accountId).get("contacts").size() == 3); // c-mute has no chat to sync
        return status;
    }

    private void withSession() {
        registrations.add(context.registerService(CrmSession.class, session, null));
    }

    private HttpResponse<String> get(String pathAndQuery, String user) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + CHAT + pathAndQuery)).GET(), user);
    }

    private HttpResponse<String> send(HttpRequest.Builder b, String user) {
        try {
            if (user != null) {
                b.header(ItSession.HEADER, user);
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    /** The emulator's chat page behind a window URL. */
    private String page(String url) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url)).GET(), null);
        assertEquals(url, 200, r.statusCode());
        return r.body();
    }

    private static Set<String> chats(String page) {
        Set<String> out = new TreeSet<>();
        Matcher m = CHAT_KEY.matcher(page);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private String windowUrl(String query, String user) throws Exception {
        HttpResponse<String> r = get("/window?" + query, user);
        assertEquals(r.body(), 200, r.statusCode());
        assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""));
        return json(r).get("url").asText();
    }

    @Test
    public void theGlobalWindowIsTheSignedInUsersWhateverUserTheRequestNames() throws Exception {
        withSession();
        connect(Map.of());
        String url = windowUrl("scope=global&user=u2&userId=u2&user.id=u2", "u1");
        String page = page(url);
        assertTrue(page, page.contains("data-user-id=\"u1\""));
        assertFalse(page.contains("data-user-id=\"u2\""));
        assertTrue(page.contains("<b id=\"wz-scope\">global</b>"));
    }

    @Test
    public void aContactCardShowsOnlyThatContactsChatsAndADealCardThoseOfAllItsContacts() throws Exception {
        withSession();
        connect(Map.of());
        String contactPage = page(windowUrl("scope=card&contact=c-two", "u1"));
        assertTrue(contactPage.contains("<b id=\"wz-scope\">card</b>"));
        assertEquals(Set.of("whatsapp:79011112233", "telegram:anna_two"), chats(contactPage));
        assertTrue("the first handle is opened", contactPage.contains("id=\"wz-active\" data-chat=\"whatsapp:79011112233\""));

        String dealPage = page(windowUrl("scope=card&deal=d-two", "u1"));
        assertEquals(Set.of("whatsapp:79011112233", "telegram:anna_two", "whatsapp:79017778899"), chats(dealPage));
        assertFalse("another contact's chat is not in the card", dealPage.contains("79014445566"));
    }

    @Test
    public void refusalsSayWhyAndOpenNothing() throws Exception {
        connect(Map.of());
        HttpResponse<String> noSessionService = get("/window?scope=global", "u1");
        assertEquals(503, noSessionService.statusCode());
        assertEquals("NO_SESSION_SERVICE", json(noSessionService).get("error").asText());

        withSession();
        await("the session service is used", () -> get("/window?scope=global", null).statusCode() == 401);
        HttpResponse<String> anonymous = get("/window?scope=card&contact=c-two", null);
        assertEquals(401, anonymous.statusCode());
        assertEquals(401, get("/window?scope=global", "nobody").statusCode());
        assertEquals(401, get("/counter", null).statusCode());

        session.hidden.add("c-other");
        session.hidden.add("d-two");
        HttpResponse<String> hiddenContact = get("/window?scope=card&contact=c-other", "u1");
        assertEquals(403, hiddenContact.statusCode());
        assertEquals("FORBIDDEN", json(hiddenContact).get("error").asText());
        assertEquals(403, get("/window?scope=card&deal=d-two", "u1").statusCode());

        HttpResponse<String> mute = get("/window?scope=card&contact=c-mute", "u1");
        assertEquals(422, mute.statusCode());
        assertEquals("NO_CHAT", json(mute).get("error").asText());
        assertTrue(json(mute).get("message").asText(), json(mute).get("message").asText().contains("Mute Without Messenger"));
        assertEquals(422, get("/window?scope=card&deal=d-mute", "u1").statusCode());

        assertEquals(404, get("/window?scope=card&contact=c-missing", "u1").statusCode());
        assertEquals(400, get("/window?scope=card", "u1").statusCode());
        assertEquals(400, get("/window?scope=card&contact=c-two&deal=d-two", "u1").statusCode());
        assertEquals(400, get("/window?scope=everything", "u1").statusCode());
        assertEquals(404, get("/nothing-here", "u1").statusCode());

        assertEquals("no window was asked of Wazzup for a refused request", 0, wazzup.requests(accountId, "POST /v3/iframe"));
    }

    @Test
    public void aThousandConcurrentCounterRequestsOfFiftyUsersCostAtMostFiftyCalls() throws Exception {
        for (int i = 3; i < 50; i++) {
            crm.users.put("u" + i, new dev.crmbridge.wazzup.api.model.CrmUser("u" + i, "Manager " + i, null));
        }
        withSession();
        connect(Map.of());
        ExecutorService pool = Executors.newFixedThreadPool(64);
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Integer>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 1_000; i++) {
                String user = "u" + (i % 50);
                answers.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return get("/counter", user).statusCode();
                }, pool));
            }
            start.countDown();
            for (CompletableFuture<Integer> a : answers) {
                assertEquals(Integer.valueOf(200), a.get());
            }
        } finally {
            pool.shutdownNow();
        }
        long calls = wazzup.requests(accountId, "GET /v3/unanswered/{userId}");
        System.out.printf("1,000 concurrent counter requests for 50 users → %d Wazzup calls%n", calls);
        assertTrue("at most 50 calls, was " + calls, calls <= 50);
        assertTrue("every user was asked for at least once", calls >= 50);
    }

    @Test
    public void aCustomersMessageRefreshesTheCounterBeforeItsCacheTimeIsOver() throws Exception {
        withSession();
        connect(Map.of("counterTtlSeconds", 3600, "publicBaseUrl", "http://127.0.0.1:" + httpPort(),
                "webhookPath", "/wazzup/webhook"));
        SyncStatus status = syncStatus();
        await("subscribed", Duration.ofSeconds(30), () -> status.webhooks().subscribed());
        JsonNode zero = json(get("/counter", "u1"));
        assertEquals(0, zero.get("count").asInt());
        assertEquals("none", zero.get("colour").asText());

        wazzup.send("POST", "/__emulator/accounts/" + accountId + "/customer-message", EmulatorControl.json(Map.of(
                "chatType", "whatsapp", "chatId", "79011112233", "text", "Is the sofa still available?")));
        JsonNode one = await("the counter shows the message", Duration.ofSeconds(20), () -> {
            JsonNode c = json(get("/counter", "u1"));
            return c.get("count").asInt() == 1 ? c : null;
        });
        assertEquals("red", one.get("colour").asText());
        assertNotNull(one.get("lastMessageAt").textValue());
        assertEquals("another manager's counter stays 0", 0, json(get("/counter", "u2")).get("count").asInt());

        UnansweredCounters counters = service(UnansweredCounters.class);
        Unanswered viaService = counters.of("u1");
        assertEquals(1, viaService.count());
        assertEquals(Unanswered.Colour.RED, viaService.colour());
    }

    @Test
    public void theJavaServiceOpensWindowsAndNamesTheReasonWhenItCannot() throws Exception {
        connect(Map.of());
        ChatWindows windows = service(ChatWindows.class);
        assertTrue(page(windows.contact("u1", "c-two").toString()).contains("data-user-id=\"u1\""));
        assertEquals(Set.of("whatsapp:79017778899", "whatsapp:79011112233", "telegram:anna_two"),
                chats(page(windows.deal("u2", "d-two").toString())));
        try {
            windows.contact("u1", "c-mute");
            fail("no chat handle");
        } catch (ChatWindowException e) {
            assertEquals(ChatWindowException.Reason.NO_CHAT, e.reason());
        }
        try {
            windows.global("u-unknown");
            fail("unknown user");
        } catch (ChatWindowException e) {
            assertEquals(ChatWindowException.Reason.NOT_FOUND, e.reason());
        }
        wazzup.fault("POST /v3/iframe", 10, 503);
        try {
            windows.global("u1");
            fail("Wazzup unavailable");
        } catch (ChatWindowException e) {
            assertEquals(ChatWindowException.Reason.UNAVAILABLE, e.reason());
            assertFalse("the message names no key", e.getMessage().contains(configuredKey()));
        }
    }

    @Test
    public void threeChatButtonsAreOfferedOnePerSlot() throws Exception {
        connect(Map.of("counterPollSeconds", 20));
        Map<String, ChatButton> bySlot = new HashMap<>();
        for (ServiceReference<ChatButton> ref : context.getServiceReferences(ChatButton.class, null)) {
            ChatButton b = context.getService(ref);
            assertEquals(b.slot(), ref.getProperty(ChatButton.SLOT));
            assertEquals(b.scriptUrl(), ref.getProperty(ChatButton.SCRIPT));
            bySlot.put(b.slot(), b);
        }
        assertEquals(Set.of(ChatButton.SLOT_GLOBAL_TOOLBAR, ChatButton.SLOT_CONTACT_CARD, ChatButton.SLOT_DEAL_CARD),
                bySlot.keySet());
        assertEquals("<wazzup-chat-button scope=\"global\" poll=\"20\" stream=\"on\" endpoint=\"/wazzup/chat\" label=\"Chats\">"
                + "</wazzup-chat-button>", bySlot.get(ChatButton.SLOT_GLOBAL_TOOLBAR).markup(null));
        assertEquals("<wazzup-chat-button scope=\"contact\" entity-id=\"a&quot;&lt;b\" endpoint=\"/wazzup/chat\" "
                + "label=\"Chat\"></wazzup-chat-button>", bySlot.get(ChatButton.SLOT_CONTACT_CARD).markup("a\"<b"));
        HttpResponse<String> script = get("/static/wazzup-chat.js", null);
        assertEquals(200, script.statusCode());
        assertTrue(script.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
        assertTrue(script.body().contains("customElements.define('wazzup-chat-button'"));
        assertEquals(200, get("/static/chat.svg", null).statusCode());
    }

    @Test
    public void plusInTheDealsDropdownCreatesTheDealWhenDealEventsAreOn() throws Exception {
        withSession();
        connect(Map.of("chatDealEvents", true, "dealPipelineId", "p0", "dealStageId", "p0s1"));
        String body = "{\"chatType\":\"whatsapp\",\"chatId\":\"79011112233\",\"channelId\":\"ch-1\"}";
        HttpRequest.Builder noHeader = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + CHAT + "/deal"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        assertEquals("a cross-site form cannot add the header", 403, send(noHeader, "u1").statusCode());
        assertTrue(factory.requests.isEmpty());

        HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + CHAT + "/deal"))
                .header("Content-Type", "application/json").header("X-Wazzup-Chat", "1")
                .POST(HttpRequest.BodyPublishers.ofString(body)), "u1");
        assertEquals(created.body(), 200, created.statusCode());
        String dealId = json(created).get("id").asText();
        NewDealRequest request = (NewDealRequest) factory.requests.get(0);
        assertEquals("u1", request.responsibleUserId());
        assertEquals(List.of("c-two"), request.contactIds());
        assertEquals("p0", request.pipelineId());
        assertTrue(crm.deals.containsKey(dealId));
        HttpResponse<String> again = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + CHAT + "/deal"))
                .header("Content-Type", "application/json").header("X-Wazzup-Chat", "1")
                .POST(HttpRequest.BodyPublishers.ofString(body)), "u1");
        assertEquals("a double click makes one deal", dealId, json(again).get("id").asText());
        assertEquals(1, factory.requests.size());
        await("the new deal in Wazzup", Duration.ofSeconds(20), () -> {
            for (JsonNode d : wazzup.account(accountId).get("deals")) {
                if (d.get("id").asText().equals(dealId)) {
                    return true;
                }
            }
            return false;
        });
    }

    @Test
    public void withDealEventsOffThePageCannotCreateDeals() throws Exception {
        withSession();
        connect(Map.of());
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + CHAT + "/deal"))
                .header("Content-Type", "application/json").header("X-Wazzup-Chat", "1")
                .POST(HttpRequest.BodyPublishers.ofString("{\"chatType\":\"whatsapp\",\"chatId\":\"79011112233\"}")), "u1");
        assertEquals(409, r.statusCode());
        assertTrue(factory.requests.isEmpty());
    }

    private <T> T service(Class<T> type) {
        return await(type.getSimpleName(), () -> {
            ServiceReference<T> ref = context.getServiceReference(type);
            return ref == null ? null : context.getService(ref);
        });
    }

    private String configuredKey() throws Exception {
        return (String) configAdmin.getConfiguration(WazzupConnector.PID, "?").getProperties()
                .get(WazzupConnector.PROPERTY_API_KEY);
    }
}
