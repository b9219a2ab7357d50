package dev.crmbridge.wazzup.internal.wauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crmbridge.wazzup.api.spi.CrmSession;
import dev.crmbridge.wazzup.emulator.Account;
import dev.crmbridge.wazzup.emulator.WazzupEmulator;
import dev.crmbridge.wazzup.internal.client.InvalidDataException;
import dev.crmbridge.wazzup.internal.client.RateLimiters;
import dev.crmbridge.wazzup.internal.client.RetryPolicy;
import dev.crmbridge.wazzup.internal.client.TimeSource;
import dev.crmbridge.wazzup.internal.client.UnauthorizedException;
import dev.crmbridge.wazzup.internal.client.UnavailableException;
import dev.crmbridge.wazzup.internal.client.WazzupClient;
import dev.crmbridge.wazzup.internal.client.WazzupException;
import dev.crmbridge.wazzup.internal.web.HeaderSession;
import dev.crmbridge.wazzup.internal.web.JettyWhiteboard;
import dev.crmbridge.wazzup.internal.web.TestHttp;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * WAuth's confirmation page ({@link WAuthServlet}) over real HTTP (embedded Jetty 9.4), as {@link WAuth}
 * registers it: setup and sign-in refusals, administrators only, the one-time token, one try per
 * state, Wazzup's refusals and outages, and that no page ever shows the crmKey or the API key.
 */
class WAuthServletTest {

    private static final String PATH = "/wazzup/connect";
    private static final String CRM_CODE = "acme-crm";
    private static final String API_KEY = "api-key-0f9e8d7c6b5a4938";
    private static final Pattern TOKEN = Pattern.compile("name=\"token\" value=\"([^\"]+)\"");

    private final JettyWhiteboard whiteboard = new JettyWhiteboard();
    private final TestHttp http = new TestHttp();
    private final HeaderSession session = new HeaderSession().add("admin", "Ada Admin", true)
            .add("admin2", "Bob Admin", true).add("manager", "Max Manager", false);
    private final RecordingConnector connector = new RecordingConnector();
    private volatile CrmSession sessionService = session;
    private WAuth wauth;

    @AfterEach
    void tearDown() {
        try {
            assertNoPageShowsAKey();
        } finally {
            if (wauth != null) {
                wauth.close();
            }
            http.close();
            whiteboard.close();
        }
    }

    // ------------------------------------------------------------------ helpers

    private void start(boolean enabled) {
        Supplier<CrmSession> sessions = () -> sessionService;
        wauth = new WAuth(whiteboard, PATH, CRM_CODE, enabled, sessions, connector);
    }

    private void wauthWith(WAuth.Connector other) {
        Supplier<CrmSession> sessions = () -> sessionService;
        wauth = new WAuth(whiteboard, PATH, CRM_CODE, true, sessions, other);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private HttpResponse<String> get(String state, String user) {
        HttpRequest.Builder b = TestHttp.request(whiteboard.uri(PATH + (state == null ? "" : "?state=" + enc(state)))).GET();
        if (user != null) {
            b.header(HeaderSession.HEADER, user);
        }
        return http.send(b.build());
    }

    private HttpResponse<String> confirm(String state, String token, String user) {
        return confirm(state, token, user, "");
    }

    /** A POST of the form with {@code extra} form fields ({@code a=b&c=d}, encoded by the caller). */
    private HttpResponse<String> confirm(String state, String token, String user, String extra) {
        StringBuilder form = new StringBuilder(extra);
        if (state != null) {
            form.append("state=").append(enc(state));
        }
        if (token != null) {
            form.append(form.length() > 0 ? "&" : "").append("token=").append(enc(token));
        }
        HttpRequest.Builder b = TestHttp.request(whiteboard.uri(PATH))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString()));
        if (user != null) {
            b.header(HeaderSession.HEADER, user);
        }
        return http.send(b.build());
    }

    /** The confirmation token of the page an administrator gets for {@code state}. */
    private String tokenFor(String state, String user) {
        HttpResponse<String> page = get(state, user);
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        Matcher m = TOKEN.matcher(page.body());
        assertThat(m.find()).as("a token in %s", page.body()).isTrue();
        return m.group(1);
    }

    private static void assertPage(HttpResponse<String> r, int status, String says) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(r.body()).contains(says);
    }

    private void assertNoPageShowsAKey() {
        List<String> keys = new java.util.ArrayList<>(connector.crmKeys());
        keys.add(API_KEY);
        assertThat(http.bodies()).allSatisfy(body -> {
            for (String k : keys) {
                assertThat(body).doesNotContain(k);
            }
        });
    }

    // ------------------------------------------------------------------ setup, sign-in, permission

    @Test
    void withoutCrmCodeAndSecretThePageIs503() {
        start(false);
        assertPage(get("state-1", "admin"), 503, "Connecting by button is off");
        assertPage(confirm("state-1", "t", "admin"), 503, "Connecting by button is off");
        assertThat(connector.connects).isEmpty();
    }

    @Test
    void withoutASessionServiceThePageIs503() {
        sessionService = null;
        start(true);
        assertPage(get("state-1", "admin"), 503, "Not ready");
        assertThat(connector.connects).isEmpty();
    }

    @Test
    void withoutAStateThePageIs400() {
        start(true);
        assertPage(get(null, "admin"), 400, "No connection link");
        assertPage(get("  ", "admin"), 400, "No connection link");
        assertPage(get("s".repeat(4097), "admin"), 400, "No connection link");
        assertPage(confirm(null, "t", "admin"), 400, "No connection link");
    }

    @Test
    void nobodySignedInIsSentToTheSignInPageWithTheWayBack() {
        session.signIn = back -> "https://crm.example.com/login?returnTo=" + enc(back);
        start(true);
        String state = "st/ate+with&odd=chars";

        HttpResponse<String> r = get(state, null);

        assertThat(r.statusCode()).isEqualTo(302);
        String location = r.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("https://crm.example.com/login?returnTo=");
        String back = URLDecoder.decode(location.substring(location.indexOf('=') + 1), StandardCharsets.UTF_8);
        assertThat(back).isEqualTo(PATH + "?state=" + enc(state));
        assertThat(session.returnTos).containsExactly(PATH + "?state=" + enc(state));
        assertThat(connector.connects).isEmpty();
    }

    @Test
    void nobodySignedInWithoutASignInPageIs401() {
        start(true);
        assertPage(get("state-1", null), 401, "Sign in first");
        assertPage(get("state-1", "unknown-user"), 401, "Sign in first");
        assertPage(confirm("state-1", "t", null), 401, "Sign in first");
    }

    @Test
    void aConfirmationOfNobodyIs401EvenWithASignInPage() {
        session.signIn = back -> "https://crm.example.com/login";
        start(true);
        assertPage(confirm("state-1", "t", null), 401, "Sign in first");
    }

    @Test
    void aManagerIsRefusedWith403OnGetAndPost() {
        start(true);
        assertPage(get("state-1", "manager"), 403, "Administrators only");
        String token = tokenFor("state-1", "admin");
        assertPage(confirm("state-1", token, "manager"), 403, "Administrators only");
        assertThat(connector.connects).isEmpty();
    }

    // ------------------------------------------------------------------ the confirmation

    @Test
    void anAdministratorSeesAFormWithAToken() {
        start(true);
        HttpResponse<String> r = get("state-<1>", "admin");
        assertPage(r, 200, "Connect Wazzup");
        assertThat(r.body()).contains("<form method=\"post\" action=\"" + PATH + "\">")
                .contains("name=\"state\" value=\"state-&lt;1&gt;\"")
                .contains(CRM_CODE).contains("Ada Admin")
                .containsPattern(TOKEN);
        assertThat(tokenFor("state-<1>", "admin")).as("a new token per page").isNotEqualTo(
                TOKEN.matcher(r.body()).results().findFirst().orElseThrow().group(1));
        assertThat(connector.connects).isEmpty();
    }

    @Test
    void aConfirmationWithoutOrWithAWrongTokenIs400() {
        start(true);
        String token = tokenFor("state-1", "admin");
        String otherState = tokenFor("state-2", "admin");
        String otherAdmins = tokenFor("state-1", "admin2");

        assertPage(confirm("state-1", null, "admin"), 400, "Please confirm again");
        assertPage(confirm("state-1", token + "x", "admin"), 400, "Please confirm again");
        assertPage(confirm("state-1", otherState, "admin"), 400, "Please confirm again");
        assertPage(confirm("state-1", otherAdmins, "admin"), 400, "Please confirm again");
        assertThat(connector.connects).isEmpty();

        assertPage(confirm("state-1", token, "admin"), 200, "wazzup-connected");
    }

    @Test
    void aGoodConfirmationConnectsOnceWithAFreshCrmKeyAndStoresTheKeys() {
        start(true);
        String token = tokenFor("state-1", "admin");

        HttpResponse<String> r = confirm("state-1", token, "admin");

        assertPage(r, 200, "id=\"wazzup-connected\"");
        assertThat(connector.connects).singleElement().satisfies(c -> {
            assertThat(c.state()).isEqualTo("state-1");
            assertThat(c.crmKey()).hasSizeGreaterThanOrEqualTo(43).matches("[A-Za-z0-9_-]+");
        });
        String crmKey = connector.connects.get(0).crmKey();
        assertThat(connector.stored).containsExactly(new Stored(API_KEY, crmKey));

        assertThat(confirm("state-2", tokenFor("state-2", "admin"), "admin").statusCode()).isEqualTo(200);
        assertThat(connector.connects).hasSize(2);
        assertThat(connector.connects.get(1).crmKey()).as("fresh per connection").isNotEqualTo(crmKey);
        assertNoPageShowsAKey();
    }

    @Test
    void withAnAccountConnectedThePageWarnsAndOnlyAnExplicitSecondConfirmationReplacesIt() {
        connector.connected = true;
        connector.channels = List.of("whatsapp 79990001122 (active)", "telegram <b>Shop</b> (active)");
        start(true);
        HttpResponse<String> page = get("state-1", "admin");
        assertPage(page, 200, "id=\"wazzup-connect-replaces\"");
        assertThat(page.body()).contains("already connected").contains("replaces that connection")
                .contains("name=\"replace\" value=\"yes\" required").contains("Replace the connection");
        String token = TOKEN.matcher(page.body()).results().findFirst().orElseThrow().group(1);

        HttpResponse<String> once = confirm("state-1", token, "admin");
        assertPage(once, 400, "id=\"wazzup-connect-unconfirmed\"");
        assertThat(once.body()).as("the form comes again").contains("name=\"replace\"").containsPattern(TOKEN);
        assertThat(connector.connects).as("one click alone changes nothing").isEmpty();
        assertThat(confirm("state-1", token, "admin", "replace=no&").statusCode()).isEqualTo(400);
        assertThat(connector.connects).isEmpty();

        HttpResponse<String> replaced = confirm("state-1", token, "admin", "replace=yes&");
        assertPage(replaced, 200, "id=\"wazzup-connected\"");
        assertThat(connector.stored).hasSize(1);
        assertThat(replaced.body()).as("the new account, by its channels").contains("id=\"wazzup-connected-account\"")
                .contains("whatsapp 79990001122 (active)").contains("telegram &lt;b&gt;Shop&lt;/b&gt; (active)")
                .contains("id=\"wazzup-connect-undo\"");
    }

    @Test
    void aFirstConnectionNeedsNoSecondConfirmationAndOffersNoUndo() {
        start(true);
        HttpResponse<String> page = get("state-1", "admin");
        assertThat(page.body()).doesNotContain("wazzup-connect-replaces").doesNotContain("name=\"replace\"");
        HttpResponse<String> connected = confirm("state-1", tokenFor("state-1", "admin"), "admin");
        assertPage(connected, 200, "id=\"wazzup-connected\"");
        assertThat(connected.body()).doesNotContain("wazzup-connect-undo");
    }

    @Test
    void undoRestoresThePreviousConnectionOnceAndOnlyWithItsToken() {
        connector.connected = true;
        start(true);
        HttpResponse<String> replaced = confirm("state-1", tokenFor("state-1", "admin"), "admin", "replace=yes&");
        Matcher undo = Pattern.compile("name=\"action\" value=\"undo\">.*?name=\"token\" value=\"([^\"]+)\"")
                .matcher(replaced.body());
        assertThat(undo.find()).as(replaced.body()).isTrue();
        String token = undo.group(1);

        assertPage(confirm("state-1", token + "x", "admin", "action=undo&"), 400, "Please confirm again");
        assertPage(confirm("state-1", token, "admin2", "action=undo&"), 400, "Please confirm again");
        assertPage(confirm("state-9", tokenFor("state-9", "admin"), "admin", "action=undo&"), 400, "Please confirm again");
        assertThat(connector.undos).as("a wrong token, another admin or a confirmation's token undoes nothing").hasValue(0);

        String fresh = undoToken(confirm("state-2", tokenFor("state-2", "admin"), "admin", "replace=yes&"));
        assertPage(confirm("state-2", fresh, "admin", "action=undo&"), 200, "id=\"wazzup-connect-undone\"");
        assertThat(connector.undos).hasValue(1);
        assertPage(confirm("state-2", fresh, "admin", "action=undo&"), 400, "Please confirm again");
        connector.undoable = false;
        String third = undoToken(confirm("state-3", tokenFor("state-3", "admin"), "admin", "replace=yes&"));
        assertPage(confirm("state-3", third, "admin", "action=undo&"), 410, "Nothing to undo");
    }

    private static String undoToken(HttpResponse<String> page) {
        Matcher m = Pattern.compile("name=\"action\" value=\"undo\">.*?name=\"token\" value=\"([^\"]+)\"")
                .matcher(page.body());
        assertThat(m.find()).as(page.body()).isTrue();
        return m.group(1);
    }

    @Test
    void aStateIsUsedOnce() {
        start(true);
        String first = tokenFor("state-1", "admin");
        String secondTab = tokenFor("state-1", "admin");
        assertThat(confirm("state-1", first, "admin").statusCode()).isEqualTo(200);

        assertPage(get("state-1", "admin"), 400, "already used");
        assertPage(confirm("state-1", secondTab, "admin"), 400, "already used");
        assertPage(confirm("state-1", first, "admin"), 400, "Please confirm again");
        assertThat(connector.connects).hasSize(1);
        assertThat(connector.stored).hasSize(1);
    }

    // ------------------------------------------------------------------ Wazzup's answers

    @Test
    void wazzupRefusingTheSecretIs502NamingTheSetting() {
        connector.failures.add(new InvalidDataException("POST /v3/connect", 400, "WAUTH_SECRET_INVALID",
                "the secret does not match", null, null, List.of(), List.of()));
        start(true);

        HttpResponse<String> r = confirm("state-1", tokenFor("state-1", "admin"), "admin");

        assertPage(r, 502, "WAuth: secret");
        assertThat(connector.connects).hasSize(1);
        assertThat(connector.stored).as("nothing is stored unless Wazzup accepted").isEmpty();
    }

    @Test
    void wazzupRefusingTheRequestAsSuchIs502() {
        connector.failures.add(new UnauthorizedException("POST /v3/connect", 401, null, null, null, null));
        start(true);
        assertPage(confirm("state-1", tokenFor("state-1", "admin"), "admin"), 502, "WAuth: CRM code");
        assertThat(connector.stored).isEmpty();
    }

    @Test
    void wazzupRefusingTheStateIs400() {
        connector.failures.add(new InvalidDataException("POST /v3/connect", 400, "STATE_ALREADY_USED", null, null, null,
                List.of(), List.of()));
        connector.failures.add(new InvalidDataException("POST /v3/connect", 400, "STATE_<EXPIRED>", null, null, null,
                List.of(), List.of()));
        start(true);
        assertPage(confirm("state-1", tokenFor("state-1", "admin"), "admin"), 400, "already used");
        HttpResponse<String> invalid = confirm("state-2", tokenFor("state-2", "admin"), "admin");
        assertPage(invalid, 400, "This link is not valid");
        assertThat(invalid.body()).contains("STATE_&lt;EXPIRED&gt;").doesNotContain("STATE_<EXPIRED>");
        assertThat(connector.stored).isEmpty();
    }

    @Test
    void wazzupUnreachableIs503AndTheSameLinkWorksAfterwards() {
        connector.failures.add(new UnavailableException("POST /v3/connect", 0, null, null, null, null,
                new IOException("connection refused")));
        connector.failures.add(new WazzupException("POST /v3/connect", 500, null, "internal error", null, null, null));
        start(true);

        assertPage(confirm("state-1", tokenFor("state-1", "admin"), "admin"), 503, "Wazzup cannot be reached");
        assertThat(connector.stored).isEmpty();
        assertPage(confirm("state-1", tokenFor("state-1", "admin"), "admin"), 503, "Wazzup cannot be reached");

        assertPage(confirm("state-1", tokenFor("state-1", "admin"), "admin"), 200, "wazzup-connected");
        assertThat(connector.connects).hasSize(3).extracting(Connect::state).containsOnly("state-1");
        assertThat(connector.stored).singleElement()
                .satisfies(s -> assertThat(s.crmKey()).isEqualTo(connector.connects.get(2).crmKey()));
    }

    @Test
    void aConfigurationThatCannotBeStoredIs500AndShowsNoKey() {
        connector.storeFails = true;
        start(true);
        assertPage(confirm("state-1", tokenFor("state-1", "admin"), "admin"), 500, "Not saved");
        assertThat(connector.connects).hasSize(1);
        assertNoPageShowsAKey();
    }

    // ------------------------------------------------------------------ against the emulator's POST /v3/connect

    @Test
    void anAdministratorConnectsAnAccountOfTheEmulatorAndAWrongSecretIs502() {
        try (WazzupEmulator wazzup = WazzupEmulator.builder().start();
                WazzupClient keyless = WazzupClient.builder().baseUrl(wazzup.baseUrl())
                        .rateLimiters(new RateLimiters(TimeSource.SYSTEM))
                        .retryPolicy(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(50))).build()) {
            Account partner = wazzup.createAccount("partner");
            Account customer = wazzup.createAccount("customer");
            wazzup.marketplace().register(CRM_CODE, whiteboard.uri(PATH).toString(), "the-integration-secret", partner.id());
            List<String> secrets = new CopyOnWriteArrayList<>(List.of("wrong-secret", "the-integration-secret"));
            List<Stored> stored = new CopyOnWriteArrayList<>();
            wauthWith(new WAuth.Connector() {
                @Override
                public String connect(String state, String crmKey) {
                    return keyless.wauth().connect(state, secrets.remove(0), crmKey);
                }

                @Override
                public void store(String apiKey, String crmKey) {
                    stored.add(new Stored(apiKey, crmKey));
                }
            });

            String refusedState = wazzup.marketplace().newState(CRM_CODE, customer.id());
            assertPage(confirm(refusedState, tokenFor(refusedState, "admin"), "admin"), 502, "WAuth: secret");
            assertThat(stored).isEmpty();

            String state = wazzup.marketplace().newState(CRM_CODE, customer.id());
            HttpResponse<String> connected = confirm(state, tokenFor(state, "admin"), "admin");
            assertPage(connected, 200, "wazzup-connected");
            assertThat(stored).singleElement().satisfies(s -> {
                assertThat(s.apiKey()).isEqualTo(customer.apiKey());
                assertThat(s.crmKey()).isEqualTo(customer.crmKey()).isNotBlank();
                assertThat(http.bodies()).allSatisfy(body -> assertThat(body).doesNotContain(s.apiKey())
                        .doesNotContain(s.crmKey()).doesNotContain("the-integration-secret"));
            });
        }
    }

    // ------------------------------------------------------------------ fakes

    record Connect(String state, String crmKey) {
    }

    record Stored(String apiKey, String crmKey) {
    }

    /** Wazzup's {@code POST /v3/connect} and the configuration, recorded; failures are thrown in turn. */
    static final class RecordingConnector implements WAuth.Connector {

        final List<Connect> connects = new CopyOnWriteArrayList<>();
        final List<Stored> stored = new CopyOnWriteArrayList<>();
        final Deque<RuntimeException> failures = new ArrayDeque<>();
        volatile boolean storeFails;
        volatile boolean connected;
        volatile boolean undoable = true;
        volatile List<String> channels = List.of();
        final java.util.concurrent.atomic.AtomicInteger undos = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public boolean connected() {
            return connected;
        }

        @Override
        public List<String> channels(String apiKey) {
            return channels;
        }

        @Override
        public boolean undo() {
            if (!undoable) {
                return false;
            }
            undos.incrementAndGet();
            return true;
        }

        @Override
        public String connect(String state, String crmKey) {
            connects.add(new Connect(state, crmKey));
            RuntimeException failure;
            synchronized (failures) {
                failure = failures.poll();
            }
            if (failure != null) {
                throw failure;
            }
            return API_KEY;
        }

        @Override
        public void store(String apiKey, String crmKey) throws IOException {
            if (storeFails) {
                throw new IOException("the configuration is read-only");
            }
            stored.add(new Stored(apiKey, crmKey));
        }

        List<String> crmKeys() {
            return connects.stream().map(Connect::crmKey).toList();
        }
    }
}
