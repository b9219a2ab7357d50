package dev.crmbridge.wazzup.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crmbridge.wazzup.api.WazzupConnector;
import dev.crmbridge.wazzup.api.event.CrmEvents;
import dev.crmbridge.wazzup.api.message.Channel;
import dev.crmbridge.wazzup.api.message.Channels;
import dev.crmbridge.wazzup.api.model.CrmContact;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.sync.SyncStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
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
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.EventAdmin;

/**
 * The connector's Felix health check as monitoring reads it: Felix HC's own {@code /system/health} servlet
 * (JSON, tag {@code wazzup}), one test per state. Each asserts the status, the reason in words, and that no
 * secret (the API key, the webhook secret) is in the answer.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HealthIT extends WazzupTestSupport {

    private static final String SECRET = "it-health-webhook-secret-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    private ConfigurationAdmin configAdmin;

    @Inject
    private EventAdmin eventAdmin;

    private EmulatorControl wazzup;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private String apiKey;
    private ItDirectory crm;

    @Configuration
    public Option[] config() {
        return org.ops4j.pax.exam.OptionUtils.combine(baseConfiguration(), emulator(),
                mavenBundle("org.apache.felix", "org.apache.felix.healthcheck.api").versionAsInProject(),
                mavenBundle("org.apache.felix", "org.apache.felix.healthcheck.core").versionAsInProject());
    }

    @Before
    public void setUp() throws Exception {
        wazzup = EmulatorControl.fromSystemProperty();
        for (org.osgi.framework.Bundle b : context.getBundles()) {
            if (b.getSymbolicName() != null && b.getSymbolicName().contains("healthcheck")) {
                if (b.getState() != org.osgi.framework.Bundle.ACTIVE) {
                    try {
                        b.start();
                    } catch (org.osgi.framework.BundleException e) {
                        throw new AssertionError(b.getSymbolicName() + " does not start: " + e.getMessage(), e);
                    }
                }
            }
        }
        crm = ItDirectory.generated(2, 1, 20, 2);
        registrations.add(context.registerService(CrmDirectory.class, crm, null));
        // Felix HC's servlet, as an administrator switches it on
        org.osgi.service.cm.Configuration servlet = configAdmin.getConfiguration(
                "org.apache.felix.hc.core.impl.servlet.HealthCheckExecutorServlet", "?");
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("servletPath", "/system/health");
        servlet.update(p);
    }

    @After
    public void tearDown() throws Exception {
        unconfigure(configAdmin);
        registrations.forEach(ServiceRegistration::unregister);
        registrations.clear();
    }

    /** The check's JSON from {@code /system/health.json?tags=wazzup} once it has {@code status}, the last one else. */
    private JsonNode healthOnce(String status, String reason) throws Exception {
        JsonNode[] last = new JsonNode[1];
        try {
            return await("the health check " + status + " with '" + reason + "'", Duration.ofSeconds(30), () -> {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort()
                        + "/system/health.json?tags=wazzup")).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 404) {
                    last[0] = JSON.getNodeFactory().textNode("404 " + r.body());
                    return null; // the servlet is not up yet
                }
                for (String secret : secrets()) {
                    assertFalse("a secret in the health check's answer", r.body().contains(secret));
                }
                JsonNode body = JSON.readTree(r.body());
                last[0] = body;
                JsonNode ours = ours(body);
                return ours != null && status.equals(ours.path("status").asText()) && messages(ours).contains(reason)
                        ? body : null;
            });
        } catch (AssertionError e) {
            System.out.println("[HealthIT] last answer: " + last[0]);
            throw new AssertionError(e.getMessage() + "; last answer: " + last[0], e);
        }
    }

    private List<String> secrets() {
        List<String> out = new ArrayList<>(List.of(SECRET));
        if (apiKey != null) {
            out.add(apiKey);
        }
        return out;
    }

    private static JsonNode ours(JsonNode body) {
        for (JsonNode r : body.path("results")) {
            if ("Wazzup connector".equals(r.path("name").asText())) {
                return r;
            }
        }
        return null;
    }

    private static String messages(JsonNode result) {
        StringBuilder b = new StringBuilder();
        for (JsonNode m : result.path("messages")) {
            b.append(m.path("status").asText()).append(": ").append(m.path("message").asText()).append('\n');
        }
        return b.toString();
    }

    private void print(String state, JsonNode body) {
        System.out.println("[HealthIT] " + state + ": " + body.path("overallResult").asText() + "\n"
                + messages(ours(body)).indent(2));
    }

    private Map<String, Object> settings(String key, String baseUrl) {
        Map<String, Object> p = new HashMap<>();
        if (key != null) {
            p.put(WazzupConnector.PROPERTY_API_KEY, key);
        }
        p.put(WazzupConnector.PROPERTY_API_BASE_URL, baseUrl);
        p.put("webhookSecret", SECRET);
        p.put("batchDelayMillis", 50);
        p.put("retryMaxDelaySeconds", 2);
        return p;
    }

    @Test
    public void notConfiguredIsCritical() throws Exception {
        JsonNode body = healthOnce("CRITICAL", "The Wazzup connector is not configured");
        print("not configured", body);
        assertEquals("CRITICAL", body.path("overallResult").asText());
    }

    @Test
    public void configuredButNotRunningIsCriticalWithSCRsReason() throws Exception {
        apiKey = "0000aaaa0000bbbb0000cccc0000eeee";
        Map<String, Object> p = settings(apiKey, wazzup.baseUrl());
        p.put("storage", "DATA_SOURCE"); // and no DataSource service: the component cannot start
        configure(configAdmin, p);
        print("not running", healthOnce("CRITICAL", "configured but not running: its activation failed:"
                + " java.lang.IllegalStateException: storage is DATA_SOURCE but no DataSource service matches"));
    }

    @Test
    public void noKeyIsCritical() throws Exception {
        configure(configAdmin, settings(null, wazzup.baseUrl()));
        print("no key", healthOnce("CRITICAL", "No Wazzup API key is configured"));
    }

    @Test
    public void aRefusedKeyIsCritical() throws Exception {
        apiKey = "0000aaaa0000bbbb0000cccc0000dddd"; // no account of the emulator has it
        configure(configAdmin, settings(apiKey, wazzup.baseUrl()));
        print("refused key", healthOnce("CRITICAL", "Wazzup refused the API key (401)"));
    }

    @Test
    public void wazzupDownBeyondTheFirstPauseIsCritical() throws Exception {
        String[] account = wazzup.createAccount();
        apiKey = account[1];
        // nobody listens there: every request fails to connect
        configure(configAdmin, settings(apiKey, "http://127.0.0.1:" + freePort()));
        print("Wazzup down", healthOnce("CRITICAL", "attempts in a row have failed"));
    }

    @Test
    public void aDeadLetterIsAWarningThatSaysWhatToDo() throws Exception {
        String[] account = wazzup.createAccount();
        apiKey = account[1];
        configure(configAdmin, settings(apiKey, wazzup.baseUrl()));
        await("the initial sync", Duration.ofSeconds(60), () -> syncStatus().initialSyncComplete()
                && syncStatus().entities().values().stream().allMatch(e -> e.pending() == 0));
        // a link longer than Wazzup takes: set aside at once
        CrmContact good = crm.contacts.get("c000001");
        crm.contacts.put("c000001", new CrmContact(good.id(), good.responsibleUserId(), good.name(), good.chats(),
                "https://crm.example.com/contacts/" + "x".repeat(300)));
        eventAdmin.sendEvent(CrmEvents.saved(CrmEvents.ENTITY_CONTACT, "c000001"));
        JsonNode body = healthOnce("WARN", "1 dead letter (contact 1)");
        print("dead letter", body);
        assertTrue(messages(ours(body)).contains("retry"));
        // the host fixes it and the administrator retries: well again
        crm.contacts.put("c000001", good);
        SyncStatus status = syncStatus();
        assertTrue(status.retry(status.deadLetters().get(0)));
        healthOnce("OK", "Synced 2 users, the pipelines, 20 contacts, 2 deals; 0 pending");
    }

    @Test
    public void aSubscriptionWazzupCannotTestIsAWarning() throws Exception {
        String[] account = wazzup.createAccount();
        apiKey = account[1];
        Map<String, Object> p = settings(apiKey, wazzup.baseUrl());
        p.put("publicBaseUrl", "http://127.0.0.1:" + freePort()); // not this CRM: Wazzup's test POST fails
        configure(configAdmin, p);
        print("subscription failing", healthOnce("WARN", "Webhooks: Wazzup could not reach"));
    }

    /** A new emulator account, configured with the webhooks at this CRM; answers {@code [accountId, apiKey]}. */
    private String[] connectWithWebhooks() throws Exception {
        String[] account = wazzup.createAccount();
        apiKey = account[1];
        Map<String, Object> p = settings(apiKey, wazzup.baseUrl());
        p.put("publicBaseUrl", "http://127.0.0.1:" + httpPort());
        configure(configAdmin, p);
        return account;
    }

    @Test
    public void allWellIsOkWithTheCounts() throws Exception {
        connectWithWebhooks();
        JsonNode body = healthOnce("OK", "Synced 2 users, the pipelines, 20 contacts, 2 deals; 0 pending; webhooks subscribed");
        print("all well", body);
        assertEquals("OK", body.path("overallResult").asText());
        assertTrue(ours(body).path("tags").toString().contains("integration"));
    }

    @Test
    public void aChannelThatCannotSendIsAWarningUntilItIsActiveAgain() throws Exception {
        String[] account = connectWithWebhooks();
        healthOnce("OK", "webhooks subscribed");
        Channels channels = await("the channels service", () -> {
            org.osgi.framework.ServiceReference<Channels> ref = context.getServiceReference(Channels.class);
            return ref == null ? null : context.getService(ref);
        });
        String whatsapp = await("the channels", () -> channels.list().stream()
                .filter(c -> c.transport().equals("whatsapp")).map(Channel::id).findFirst().orElse(null));
        wazzup.send("POST", "/__emulator/accounts/" + account[0] + "/channel-state",
                "{\"channelId\":\"" + whatsapp + "\",\"state\":\"qr\"}");
        print("channel in trouble", healthOnce("WARN", "needs its QR code scanned in Wazzup"));
        wazzup.send("POST", "/__emulator/accounts/" + account[0] + "/channel-state",
                "{\"channelId\":\"" + whatsapp + "\",\"state\":\"active\"}");
        healthOnce("OK", "webhooks subscribed");
    }
}
