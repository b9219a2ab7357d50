package dev.crmbridge.wazzup.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.crmbridge.wazzup.api.WazzupConnector;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.sync.SyncStatus;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
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

/**
 * The connector's JMX bean ({@code dev.crmbridge.wazzup:type=Connector}) read through the platform MBean
 * server while an initial sync runs, as Karaf's tooling, hawtio or the Prometheus exporter would.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class JmxIT extends WazzupTestSupport {

    private static final String SECRET = "it-jmx-webhook-secret-0123456789";
    private static final int CONTACTS = 3_000;

    @Inject
    private ConfigurationAdmin configAdmin;

    private EmulatorControl wazzup;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    @Configuration
    public Option[] config() {
        return OptionUtils.combine(baseConfiguration(), emulator());
    }

    @Before
    public void setUp() {
        wazzup = EmulatorControl.fromSystemProperty();
        registrations.add(context.registerService(CrmDirectory.class, ItDirectory.generated(5, 1, CONTACTS, 0), null));
    }

    @After
    public void tearDown() throws Exception {
        unconfigure(configAdmin);
        registrations.forEach(ServiceRegistration::unregister);
    }

    private static Object read(MBeanServer server, ObjectName name, String attribute) {
        try {
            return server.getAttribute(name, attribute);
        } catch (Exception e) {
            throw new AssertionError("JMX attribute " + attribute, e);
        }
    }

    private static long number(MBeanServer server, ObjectName name, String attribute) {
        return ((Number) read(server, name, attribute)).longValue();
    }

    @Test
    public void theMBeanTellsTheSyncAsItRunsAndNoSecret() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("dev.crmbridge.wazzup:type=Connector");
        String[] account = wazzup.createAccount();
        Map<String, Object> props = new HashMap<>(Map.of(WazzupConnector.PROPERTY_API_KEY, account[1],
                WazzupConnector.PROPERTY_API_BASE_URL, wazzup.baseUrl(), "webhookSecret", SECRET, "batchDelayMillis", 50));
        configure(configAdmin, props);
        SyncStatus status = syncStatus();
        await("the bean registered", Duration.ofSeconds(10), () -> server.isRegistered(name));

        // during the initial sync: contacts go from pending to synced, requests count up
        List<Long> synced = new ArrayList<>();
        await("the initial sync", Duration.ofSeconds(120), () -> {
            synced.add(number(server, name, "ContactsSynced"));
            return status.initialSyncComplete() && number(server, name, "ContactsPending") == 0;
        });
        assertTrue("read while it ran: " + synced, synced.stream().anyMatch(n -> n > 0 && n < CONTACTS));
        assertEquals((long) CONTACTS, number(server, name, "ContactsSynced"));
        assertEquals(5L, number(server, name, "UsersSynced"));
        assertEquals(0L, number(server, name, "ContactsDeadLetters"));
        assertEquals(Boolean.TRUE, read(server, name, "Running"));
        assertEquals(Boolean.TRUE, read(server, name, "Leader"));
        assertEquals(Boolean.TRUE, read(server, name, "InitialSyncComplete"));
        long requests = number(server, name, "Requests");
        long contactPosts = wazzup.requests(account[0], "POST /v3/contacts");
        assertTrue("requests " + requests + " ≥ contact batches " + contactPosts, requests >= contactPosts && contactPosts >= 30);
        assertTrue(number(server, name, "RequestsLastMinute") > 0);
        assertEquals(0L, number(server, name, "TooManyRequests"));

        // webhooks: one accepted, one refused (a wrong secret)
        HttpClient http = HttpClient.newHttpClient();
        for (String secret : List.of(SECRET, "not-the-secret-0000000000000000")) {
            http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + "/wazzup/webhook/" + secret))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[{\"messageId\":\"m-jmx\",\"chatType\":\"whatsapp\","
                            + "\"chatId\":\"79010000001\",\"isEcho\":false,\"type\":\"text\",\"text\":\"hi\",\"status\":\"inbound\"}]}"))
                    .build(), HttpResponse.BodyHandlers.discarding());
        }
        assertEquals(2L, number(server, name, "WebhooksReceived"));
        assertEquals(1L, number(server, name, "WebhooksRefused"));
        await("stored", Duration.ofSeconds(10), () -> number(server, name, "WebhooksStored") == 1);

        // every attribute readable, none carries a secret
        for (MBeanAttributeInfo a : server.getMBeanInfo(name).getAttributes()) {
            String value = String.valueOf(read(server, name, a.getName()));
            assertFalse(a.getName() + " shows the key", value.contains(account[1]));
            assertFalse(a.getName() + " shows the webhook secret", value.contains(SECRET));
        }
        System.out.printf("[JmxIT] read during the sync: ContactsSynced %s; then Requests %d, WebhooksReceived %d%n",
                synced.size() > 12 ? synced.subList(0, 12) + "…" : synced, requests, number(server, name, "WebhooksReceived"));

        unconfigure(configAdmin);
        assertFalse("unregistered with the connector", server.isRegistered(name));
    }
}
