package dev.crmbridge.wazzup.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crmbridge.wazzup.api.WazzupConnector;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.sync.SyncStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.inject.Inject;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.OptionUtils;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Connecting by button (WAuth) at the HTTP level, in a real framework against the emulator's
 * marketplace: an administrator's confirmation stores the key and the crmKey and the account is synced,
 * after which webhooks need the crmKey; nobody signed in, a manager, a forged or replayed state, a
 * missing confirmation token and a wrong secret each end on their page with nothing stored; no log line
 * holds the key, the crmKey or the secret. The browser side is {@link WAuthBrowserIT}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WAuthIT extends WazzupTestSupport {

    private static final String CRM_CODE_PREFIX = "it-crm-";
    private static final String SECRET = "it-wauth-secret-0123456789abcdef";
    private static final String WEBHOOK_SECRET = "it-wauth-webhook-secret-0123456";
    private static final String PATH = "/wazzup/connect";
    private static final Pattern TOKEN = Pattern.compile("name=\"token\" value=\"([^\"]+)\"");

    @Inject
    private ConfigurationAdmin configAdmin;

    private EmulatorControl wazzup;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final String crmCode = CRM_CODE_PREFIX + Long.toString(System.nanoTime(), 36); // one per test
    private String customer;
    private String customerKey;

    @Configuration
    public Option[] config() {
        return OptionUtils.combine(baseConfiguration(), emulator());
    }

    @Override
    protected String logLevel() {
        return "DEBUG"; // every line is printed, so that the test can look for secrets in all of them
    }

    @Before
    public void setUp() {
        wazzup = EmulatorControl.fromSystemProperty();
        ItDirectory crm = ItDirectory.generated(3, 1, 20, 5);
        registrations.add(context.registerService(CrmDirectory.class, crm, null));
        registrations.add(context.registerService(dev.crmbridge.wazzup.api.spi.CrmSession.class, new ItSession(crm), null));
        String[] partner = wazzup.createAccount();
        wazzup.send("POST", "/__emulator/marketplace/integrations", EmulatorControl.json(Map.of("ownerAccountId", partner[0],
                "crmCode", crmCode, "secret", SECRET, "authRedirectUri", "http://127.0.0.1:" + httpPort() + PATH)));
        String[] account = wazzup.createAccount();
        customer = account[0];
        customerKey = account[1];
    }

    @After
    public void tearDown() throws Exception {
        wazzup.clearFaults();
        unconfigure(configAdmin);
        registrations.forEach(ServiceRegistration::unregister);
        registrations.clear();
    }

    /** A fresh connector with this WAuth secret and no API key (the previous one stopped first). */
    private void configureWAuth(String secret) throws Exception {
        configureWAuth(secret, Map.of());
    }

    /** The same with {@code extra} properties. */
    private void configureWAuth(String secret, Map<String, Object> extra) throws Exception {
        unconfigure(configAdmin);
        Map<String, Object> p = new HashMap<>(extra);
        p.put(WazzupConnector.PROPERTY_API_BASE_URL, wazzup.baseUrl());
        p.put("crmCode", crmCode);
        p.put("secret", secret);
        p.put("webhookSecret", WEBHOOK_SECRET);
        p.put("publicBaseUrl", "http://127.0.0.1:" + httpPort());
        p.put("batchDelayMillis", 50);
        configure(configAdmin, p);
        await("the confirmation page", () -> get("x", "u0").statusCode() == 200 ? true : null);
    }

    private String state() {
        return wazzup.send("POST", "/__emulator/marketplace/state", EmulatorControl.json(Map.of("crmCode", crmCode,
                "accountId", customer))).get("state").asText();
    }

    private HttpResponse<String> get(String state, String user) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + PATH + "?state="
                + URLEncoder.encode(state, StandardCharsets.UTF_8))).GET(), user);
    }

    private HttpResponse<String> confirm(String state, String token, String user) {
        return confirm(state, token, user, "");
    }

    private HttpResponse<String> confirm(String state, String token, String user, String extra) {
        String form = extra + "state=" + URLEncoder.encode(state, StandardCharsets.UTF_8)
                + (token == null ? "" : "&token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + PATH))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)), user);
    }

    /** GET the page as the administrator, then confirm with its token. */
    private HttpResponse<String> connect(String state) {
        HttpResponse<String> page = get(state, "u0");
        assertEquals(page.body(), 200, page.statusCode());
        Matcher m = TOKEN.matcher(page.body());
        assertTrue(page.body(), m.find());
        // with an account connected, the second confirmation too
        return confirm(state, m.group(1), "u0", page.body().contains("name=\"replace\"") ? "replace=yes&" : "");
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

    private Dictionary<String, Object> stored() throws Exception {
        return configAdmin.getConfiguration(WazzupConnector.PID, "?").getProperties();
    }

    private void assertNothingStored() throws Exception {
        Dictionary<String, Object> p = stored();
        assertNull("no API key stored", p.get(WazzupConnector.PROPERTY_API_KEY));
        assertNull("no crmKey stored", p.get("crmKey"));
        assertFalse("Wazzup got no crmKey", wazzup.account(customer).get("crmKeySet").asBoolean());
    }

    @Test
    public void anAdministratorConnectsAndWebhooksThenNeedTheCrmKey() throws Exception {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        String crmKey;
        try {
            configureWAuth(SECRET);
            String state = state();
            HttpResponse<String> done = connect(state);
            assertEquals(done.body(), 200, done.statusCode());
            assertTrue(done.body().contains("id=\"wazzup-connected\""));
            for (String secret : List.of(customerKey, SECRET)) {
                assertFalse("no secret on the page", done.body().contains(secret));
            }
            // the key and a crmKey are in the configuration, and the account gets the CRM
            assertEquals(customerKey, stored().get(WazzupConnector.PROPERTY_API_KEY));
            crmKey = (String) stored().get("crmKey");
            assertNotNull(crmKey);
            assertTrue(crmKey.length() >= 32);
            await("the initial sync and the subscription", Duration.ofSeconds(30), () -> {
                JsonNode a = wazzup.account(customer);
                return a.get("users").size() == 3 && a.get("contacts").size() == 20 && a.get("deals").size() == 5
                        && a.get("crmKeySet").asBoolean() && a.path("webhooks").path("uri").asText().contains(WEBHOOK_SECRET);
            });
            // Wazzup's webhooks now carry the crmKey and are accepted; the URL secret alone is not enough
            JsonNode sim = wazzup.send("POST", "/__emulator/accounts/" + customer + "/customer-message", EmulatorControl.json(
                    Map.of("chatType", "whatsapp", "chatId", "79011112233", "text", "hello after WAuth")));
            JsonNode delivery = null;
            for (JsonNode d : sim.get("deliveries")) {
                if (d.get("kind").asText().equals("messages")) {
                    delivery = d;
                }
            }
            assertNotNull(sim.toString(), delivery);
            assertTrue("sent with the crmKey", delivery.get("authorized").asBoolean());
            assertEquals(200, delivery.get("status").asInt());
            URI hook = URI.create("http://127.0.0.1:" + httpPort() + "/wazzup/webhook/" + WEBHOOK_SECRET);
            assertEquals(401, send(HttpRequest.newBuilder(hook).POST(HttpRequest.BodyPublishers.ofString("{\"test\":true}")),
                    null).statusCode());
            assertEquals(200, send(HttpRequest.newBuilder(hook).header("Authorization", "Bearer " + crmKey)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"test\":true}")), null).statusCode());
            // the same link again (a new page instance after the restart): Wazzup says it was used
            HttpResponse<String> again = connect(state);
            assertEquals(again.body(), 400, again.statusCode());
            assertTrue(again.body(), again.body().contains("already used"));
            assertEquals("the key stays", customerKey, stored().get(WazzupConnector.PROPERTY_API_KEY));
            assertEquals("the crmKey stays", crmKey, stored().get("crmKey"));
        } finally {
            System.setOut(out);
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith("dev.crmbridge.wazzup ") || l.contains(" INFO : ") || l.contains(" WARN : ")
                        || l.contains(" ERROR : "))
                .toList();
        assertTrue("lines were captured: " + lines.size(), lines.stream().anyMatch(l -> l.contains("WAuth")));
        for (String secret : List.of(customerKey, crmKey, SECRET)) {
            List<String> leaks = lines.stream().filter(l -> l.contains(secret)).map(l -> l.replace(secret, "<SECRET>")).toList();
            assertTrue("a secret is in a log line: " + leaks, leaks.isEmpty());
        }
        out.println("WAuthIT: checked " + lines.size() + " log lines; none has the key, the crmKey or the secret");
    }

    @Test
    public void anotherAccountByButtonReplacesTheConnectedOneOnlyWhenConfirmedTwiceAndUndoRestoresIt() throws Exception {
        String[] first = wazzup.createAccount();
        unconfigure(configAdmin);
        Map<String, Object> p = new HashMap<>();
        p.put(WazzupConnector.PROPERTY_API_KEY, first[1]);
        p.put(WazzupConnector.PROPERTY_API_BASE_URL, wazzup.baseUrl());
        p.put("crmCode", crmCode);
        p.put("secret", SECRET);
        p.put("webhookSecret", WEBHOOK_SECRET);
        p.put("batchDelayMillis", 50);
        configure(configAdmin, p);
        await("the first account synced", Duration.ofSeconds(30), () -> wazzup.account(first[0]).get("contacts").size() == 20);

        String state = state();
        HttpResponse<String> page = get(state, "u0");
        assertEquals(page.body(), 200, page.statusCode());
        assertTrue("the page says an account is connected: " + page.body(), page.body().contains("already connected"));
        Matcher m = TOKEN.matcher(page.body());
        assertTrue(m.find());
        HttpResponse<String> oneClick = confirm(state, m.group(1), "u0");
        assertEquals(oneClick.body(), 400, oneClick.statusCode());
        assertEquals("one click changes nothing", first[1], stored().get(WazzupConnector.PROPERTY_API_KEY));

        HttpResponse<String> replaced = confirm(state, m.group(1), "u0", "replace=yes&");
        assertEquals(replaced.body(), 200, replaced.statusCode());
        assertTrue("the new account's channels: " + replaced.body(), replaced.body().contains("id=\"wazzup-connected-account\""));
        for (String secret : List.of(first[1], customerKey, SECRET)) {
            assertFalse("no secret on the page", replaced.body().contains(secret));
        }
        assertEquals(customerKey, stored().get(WazzupConnector.PROPERTY_API_KEY));
        assertEquals("the replaced key is kept", first[1], stored().get("wauth.previousApiKey"));
        await("the new account synced", Duration.ofSeconds(30), () -> wazzup.account(customer).get("contacts").size() == 20);

        Matcher undo = Pattern.compile("name=\"action\" value=\"undo\">.*?name=\"token\" value=\"([^\"]+)\"")
                .matcher(replaced.body());
        assertTrue(replaced.body(), undo.find());
        HttpResponse<String> undone = confirm(state, undo.group(1), "u0", "action=undo&");
        assertEquals(undone.body(), 200, undone.statusCode());
        assertTrue(undone.body(), undone.body().contains("id=\"wazzup-connect-undone\""));
        assertEquals("the previous key is back", first[1], stored().get(WazzupConnector.PROPERTY_API_KEY));
        assertNull(stored().get("wauth.previousApiKey"));
        // the configuration change restarted the connector with it
        await("the connector running again", Duration.ofSeconds(30), () -> {
            SyncStatus s = syncStatus();
            return s != null && s.initialSyncComplete();
        });
    }

    /**
     * Every way the reference says the real Wazzup may differ, at once (emulator options): /v3/connect
     * ignores the crmKey, listings come normalised otherwise than sent and ignore {@code offset}, writes
     * are answered oddly, and a status change comes as the message again. Connected by button, the CRM
     * syncs whole, a reconciliation sends nothing, webhooks are taken, a subscription re-pointed behind
     * the connector's back is restored, and the message's later state becomes an event of its own.
     */
    @Test
    public void everyWayTheRealWazzupMayDifferAtOnce() throws Exception {
        JsonNode before = wazzup.send("GET", "/__emulator/options", null);
        wazzup.send("PUT", "/__emulator/options", EmulatorControl.json(Map.of("ignoreConnectCrmKey", true,
                "statusesAsMessages", true, "variedListings", true, "ignoreListOffset", true, "oddWriteAnswers", true)));
        List<org.osgi.service.event.Event> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        Hashtable<String, Object> topics = new Hashtable<>();
        topics.put(org.osgi.service.event.EventConstants.EVENT_TOPIC, "dev/crmbridge/wazzup/message/*");
        registrations.add(context.registerService(org.osgi.service.event.EventHandler.class,
                (org.osgi.service.event.EventHandler) events::add, topics));
        try {
            configureWAuth(SECRET, Map.of("webhookVerifySeconds", 1));

            // connect by button; Wazzup keeps no crmKey
            HttpResponse<String> done = connect(state());
            assertEquals(done.body(), 200, done.statusCode());
            await("the initial sync and the subscription", Duration.ofSeconds(30), () -> {
                JsonNode a = wazzup.account(customer);
                return a.get("users").size() == 3 && a.get("contacts").size() == 20 && a.get("deals").size() == 5
                        && a.path("webhooks").path("uri").asText().contains(WEBHOOK_SECRET);
            });
            assertFalse("this Wazzup ignored the crmKey", wazzup.account(customer).get("crmKeySet").asBoolean());
            SyncStatus status = syncStatus();
            await("nothing pending", Duration.ofSeconds(30), () -> status.initialSyncComplete()
                    && status.entities().values().stream().mapToLong(e -> e.pending()).sum() == 0);

            // a reconciliation against listings that differ in form only: 0 writes
            wazzup.send("DELETE", "/__emulator/journal", null);
            status.resyncAll();
            await("the reconciliation listed contacts and deals", Duration.ofSeconds(30),
                    () -> wazzup.requests(customer, "GET /v3/contacts") > 0 && wazzup.requests(customer, "GET /v3/deals") > 0);
            await("nothing pending after it", Duration.ofSeconds(30),
                    () -> status.entities().values().stream().mapToLong(e -> e.pending()).sum() == 0);
            long writes = 0;
            for (String route : List.of("POST /v3/users", "POST /v3/contacts", "POST /v3/deals", "POST /v3/pipelines")) {
                writes += wazzup.requests(customer, route);
            }
            assertEquals("writes during a reconciliation of unchanged data", 0, writes);

            // webhooks after connecting by button: the URL secret is enough
            JsonNode hello = wazzup.send("POST", "/__emulator/accounts/" + customer + "/customer-message",
                    EmulatorControl.json(Map.of("chatType", "whatsapp", "chatId", "79011112233", "text", "hello")));
            JsonNode messages = null;
            for (JsonNode d : hello.get("deliveries")) {
                if (d.get("kind").asText().equals("messages")) {
                    messages = d;
                }
            }
            assertNotNull(hello.toString(), messages);
            assertFalse("sent without the crmKey", messages.get("authorized").asBoolean());
            assertEquals(messages.toString(), 200, messages.get("status").asInt());

            // another system re-points the subscription; the connector restores it
            Hashtable<String, Object> otherSystem = new Hashtable<>();
            otherSystem.put("osgi.http.whiteboard.servlet.pattern", "/other-system/hooks");
            registrations.add(context.registerService(javax.servlet.Servlet.class, new javax.servlet.http.HttpServlet() {
                private static final long serialVersionUID = 1L;

                @Override
                protected void doPost(javax.servlet.http.HttpServletRequest req, javax.servlet.http.HttpServletResponse resp) {
                    resp.setStatus(200); // another integration on the same Wazzup account takes its webhooks here
                }
            }, otherSystem));
            String other = "http://127.0.0.1:" + httpPort() + "/other-system/hooks";
            await("the other system's endpoint", () -> {
                try {
                    return http.send(HttpRequest.newBuilder(URI.create(other)).POST(HttpRequest.BodyPublishers.noBody())
                            .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                } catch (Exception e) {
                    return false;
                }
            });
            String key = (String) stored().get(WazzupConnector.PROPERTY_API_KEY);
            HttpResponse<String> repoint = http.send(HttpRequest.newBuilder(URI.create(wazzup.baseUrl() + "/v3/webhooks"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"webhooksUri\":\"" + other + "\","
                            + "\"subscriptions\":{\"messagesAndStatuses\":true}}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(repoint.body(), 200, repoint.statusCode());
            await("the subscription restored", Duration.ofSeconds(30), () -> wazzup.account(customer)
                    .path("webhooks").path("uri").asText().contains(WEBHOOK_SECRET) && status.webhooks().repairs() >= 1);

            // a manager's message, then its failure delivered as the same message with a new status
            JsonNode sent = wazzup.send("POST", "/__emulator/accounts/" + customer + "/manager-message",
                    EmulatorControl.json(Map.of("userId", "u1", "chatType", "whatsapp", "chatId", "79011112233",
                            "text", "we will call you")));
            String messageId = sent.get("messageId").asText();
            wazzup.send("POST", "/__emulator/accounts/" + customer + "/message-status", EmulatorControl.json(Map.of(
                    "messageId", messageId, "status", "error", "error", "BAD_CONTACT", "description", "not on WhatsApp")));
            await("the message's two states as two events", Duration.ofSeconds(30), () -> events.stream()
                    .filter(e -> messageId.equals(e.getProperty("messageId"))).count() == 2);
            assertTrue("the later state is the error", events.stream().filter(e -> messageId.equals(e.getProperty("messageId")))
                    .anyMatch(e -> "error".equals(e.getProperty("status"))));
        } finally {
            wazzup.send("PUT", "/__emulator/options", before.toString());
        }
    }

    @Test
    public void refusalsEndOnTheirPageAndStoreNothing() throws Exception {
        configureWAuth(SECRET);
        String state = state();
        HttpResponse<String> nobody = get(state, null);
        assertEquals(nobody.body(), 401, nobody.statusCode());
        HttpResponse<String> manager = get(state, "u1");
        assertEquals(manager.body(), 403, manager.statusCode());
        assertEquals(403, confirm(state, "anything", "u1").statusCode());
        HttpResponse<String> noToken = confirm(state, null, "u0");
        assertEquals(noToken.body(), 400, noToken.statusCode());
        HttpResponse<String> forged = connect(state.substring(0, state.length() - 2) + "xx");
        assertEquals(forged.body(), 400, forged.statusCode());
        assertTrue(forged.body(), forged.body().contains("not valid"));
        HttpResponse<String> noState = get("", "u0");
        assertEquals(400, noState.statusCode());
        assertNothingStored();

        // a wrong secret: Wazzup refuses, the page says what to check
        configureWAuth("not-the-registered-secret-000000");
        HttpResponse<String> wrong = connect(state());
        assertEquals(wrong.body(), 502, wrong.statusCode());
        assertTrue(wrong.body(), wrong.body().contains("WAuth: secret"));
        assertFalse(wrong.body().contains("not-the-registered-secret"));
        assertNothingStored();

        // Wazzup down: nothing stored, and the same link works once it is back
        configureWAuth(SECRET);
        String good = state();
        wazzup.fault("POST /v3/connect", 5, 503);
        HttpResponse<String> down = connect(good);
        assertEquals(down.body(), 503, down.statusCode());
        assertNothingStored();
        // Wazzup refuses the request as such (401): the page names the settings to check
        wazzup.clearFaults();
        wazzup.fault("POST /v3/connect", 1, 401);
        HttpResponse<String> refused = connect(good);
        assertEquals(refused.body(), 502, refused.statusCode());
        assertTrue(refused.body(), refused.body().contains("WAuth: CRM code"));
        assertNothingStored();
        wazzup.clearFaults();
        good = state(); // that link is spent here now; a new one from the marketplace
        assertEquals(200, connect(good).statusCode());
        await("stored", TIMEOUT, () -> customerKey.equals(stored().get(WazzupConnector.PROPERTY_API_KEY)) ? true : null);
    }
}
