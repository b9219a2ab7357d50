package dev.crmbridge.wazzup.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crmbridge.wazzup.api.WazzupConnector;
import dev.crmbridge.wazzup.api.event.CrmEvents;
import dev.crmbridge.wazzup.api.model.ChatHandle;
import dev.crmbridge.wazzup.api.model.CrmContact;
import dev.crmbridge.wazzup.api.model.CrmDeal;
import dev.crmbridge.wazzup.api.model.CrmUser;
import dev.crmbridge.wazzup.api.model.Pipeline;
import dev.crmbridge.wazzup.api.model.Stage;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.api.sync.SyncStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import javax.inject.Inject;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.EventAdmin;

/**
 * The sync in a real framework, for what only a framework shows: DS activates the connector from
 * ConfigurationAdmin and finds the host's {@link CrmDirectory} service, EventAdmin delivers the host's
 * events, and a stopped bundle resumes. The sync's own scenarios (unchanged saves, dead letters,
 * outages, failing directories, …) are {@code SyncEngineTest}'s, without a framework. Each test uses a
 * fresh emulator account, i.e. a new API key.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SyncIT extends WazzupTestSupport {

    private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(60);

    @Inject
    private ConfigurationAdmin configAdmin;

    @Inject
    private EventAdmin eventAdmin;

    private EmulatorControl wazzup;
    private ServiceRegistration<CrmDirectory> registration;
    private String accountId;

    @Configuration
    public Option[] config() {
        return OptionUtils.combine(baseConfiguration(), emulator());
    }

    @After
    public void tearDown() throws Exception {
        unconfigure(configAdmin);
        if (registration != null) {
            registration.unregister();
        }
    }

    @org.junit.Before
    public void setUp() {
        // inside the framework only: the class is also instantiated outside to read its configuration
        wazzup = EmulatorControl.fromSystemProperty();
    }

    /** Registers the host directory and configures the connector for a fresh emulator account. */
    private SyncStatus connect(ItDirectory crm, Map<String, Object> extra) throws Exception {
        registration = context.registerService(CrmDirectory.class, crm, null);
        String[] account = wazzup.createAccount();
        accountId = account[0];
        Map<String, Object> props = new java.util.HashMap<>(Map.of(
                WazzupConnector.PROPERTY_API_KEY, account[1],
                WazzupConnector.PROPERTY_API_BASE_URL, wazzup.baseUrl(),
                "batchDelayMillis", 200,
                "retryMaxDelaySeconds", 5));
        props.putAll(extra);
        configure(configAdmin, props);
        return syncStatus();
    }

    private JsonNode state() {
        return wazzup.account(accountId);
    }

    /** Changes not yet accepted by Wazzup; 1 more while the initial sync runs. */
    private static long pending(SyncStatus status) {
        return status.entities().values().stream().mapToLong(s -> s.pending()).sum() + (status.initialSyncComplete() ? 0 : 1);
    }

    /** What Wazzup must hold, written out from the host's data (phones as digits, Telegram by username). */
    private static ObjectNode expected(ItDirectory crm) {
        ObjectNode root = EmulatorControl.JSON.createObjectNode();
        ArrayNode users = root.putArray("users");
        for (CrmUser u : crm.users.values()) {
            ObjectNode n = users.addObject().put("id", u.id()).put("name", u.name());
            if (u.phone() != null) {
                n.put("phone", u.phone().replaceAll("\\D", ""));
            }
        }
        ArrayNode contacts = root.putArray("contacts");
        for (CrmContact c : crm.contacts.values()) {
            ObjectNode n = contacts.addObject().put("id", c.id()).put("responsibleUserId", c.responsibleUserId())
                    .put("name", c.name());
            ArrayNode data = n.putArray("contactData");
            for (ChatHandle h : c.chats()) {
                if (h.chatType().equals("whatsapp")) {
                    data.addObject().put("chatType", "whatsapp").put("chatId", h.chatId().replaceAll("\\D", ""));
                } else {
                    data.addObject().put("chatType", "telegram").put("username", h.username());
                }
            }
            n.put("uri", c.uri());
        }
        ArrayNode deals = root.putArray("deals");
        for (CrmDeal d : crm.deals.values()) {
            ObjectNode n = deals.addObject().put("id", d.id()).put("responsibleUserId", d.responsibleUserId())
                    .put("name", d.name());
            d.contactIds().forEach(n.putArray("contacts")::add);
            n.put("uri", d.uri()).put("closed", d.closed());
        }
        ArrayNode pipelines = root.putArray("pipelines");
        for (Pipeline p : crm.pipelines.values()) {
            ObjectNode n = pipelines.addObject().put("id", p.id()).put("name", p.name());
            ArrayNode stages = n.putArray("stages");
            for (Stage s : p.stages()) {
                stages.addObject().put("id", s.id()).put("name", s.name());
            }
        }
        return root;
    }

    private static Set<JsonNode> asSet(JsonNode array) {
        Set<JsonNode> out = new HashSet<>();
        array.forEach(out::add);
        return out;
    }

    @Test
    public void afterConfigurationWazzupHoldsExactlyTheHostsData() throws Exception {
        ItDirectory crm = ItDirectory.generated(20, 3, 2_000, 500);
        SyncStatus status = connect(crm, Map.of());
        await("2,000 contacts and 500 deals in Wazzup", SYNC_TIMEOUT,
                () -> state().get("deals").size() == 500 && pending(status) == 0);

        JsonNode actual = state();
        ObjectNode expected = expected(crm);
        for (String kind : List.of("users", "contacts", "deals", "pipelines")) {
            assertEquals(kind, asSet(expected.get(kind)), asSet(actual.get(kind)));
        }
        long users = wazzup.requests(accountId, "POST /v3/users");
        long pipelines = wazzup.requests(accountId, "POST /v3/pipelines");
        long contacts = wazzup.requests(accountId, "POST /v3/contacts");
        long deals = wazzup.requests(accountId, "POST /v3/deals");
        System.out.printf("requests: users=%d pipelines=%d contacts=%d deals=%d all=%d%n", users, pipelines, contacts,
                deals, wazzup.journal(accountId, null).size());
        assertEquals(1, users);
        assertEquals(1, pipelines);
        assertEquals(20, contacts);
        assertEquals(5, deals);
        assertEquals(2_000, status.entities().get(EntityType.CONTACT).synced());
    }

    @Test
    public void tenThousandEventsForThreeHundredContactsCostAtMostFourRequests() throws Exception {
        ItDirectory crm = ItDirectory.generated(1, 0, 300, 0);
        SyncStatus status = connect(crm, Map.of("initialSync", false, "batchDelayMillis", 500));
        List<String> ids = new ArrayList<>(crm.contacts.keySet());
        long t0 = System.nanoTime();
        for (int i = 0; i < 10_000; i++) {
            eventAdmin.postEvent(CrmEvents.saved(CrmEvents.ENTITY_CONTACT, ids.get(ThreadLocalRandom.current().nextInt(ids.size()))));
        }
        long postedMs = (System.nanoTime() - t0) / 1_000_000;
        await("300 contacts in Wazzup", SYNC_TIMEOUT, () -> state().get("contacts").size() == 300 && pending(status) == 0);
        long requests = wazzup.requests(accountId, "POST /v3/contacts");
        System.out.printf("10,000 events posted in %d ms → %d contact requests%n", postedMs, requests);
        assertTrue("posted within one second: " + postedMs + " ms", postedMs < 1_000);
        assertTrue("at most 4 requests, was " + requests, requests <= 4);
    }

    @Test
    public void aStoppedBundleDeliversItsPendingChangesWhenStartedAgain() throws Exception {
        ItDirectory crm = ItDirectory.generated(1, 0, 400, 0);
        SyncStatus status = connect(crm, Map.of("scheme", "CONTACTS_ONLY", "initialSync", false));
        wazzup.outage(Duration.ofMinutes(5), 503);
        eventAdmin.sendEvent(CrmEvents.savedAll(CrmEvents.ENTITY_CONTACT, crm.contacts.keySet()));
        await("recorded", SYNC_TIMEOUT, () -> pending(status) == 400);

        Bundle plugin = bundleNamed(PLUGIN_BSN).orElseThrow();
        plugin.stop();
        wazzup.outage(Duration.ZERO, 503);
        assertEquals(0, state().get("contacts").size());
        plugin.start();
        SyncStatus restarted = syncStatus();
        await("delivered after the restart", SYNC_TIMEOUT,
                () -> state().get("contacts").size() == 400 && pending(restarted) == 0);
    }
}
