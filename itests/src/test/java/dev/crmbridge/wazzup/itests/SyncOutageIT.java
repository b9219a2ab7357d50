package dev.crmbridge.wazzup.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import dev.crmbridge.wazzup.api.WazzupConnector;
import dev.crmbridge.wazzup.api.event.CrmEvents;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.sync.SyncStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import org.junit.After;
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
import org.osgi.service.event.EventAdmin;

/** Wazzup answers 503 for 60 s while 1,000 changes arrive: all of them are delivered after it recovers. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SyncOutageIT extends WazzupTestSupport {

    @Inject
    private ConfigurationAdmin configAdmin;

    @Inject
    private EventAdmin eventAdmin;

    private ServiceRegistration<CrmDirectory> registration;

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

    @Test
    public void aMinuteOfOutageLosesNothing() throws Exception {
        EmulatorControl wazzup = EmulatorControl.fromSystemProperty();
        ItDirectory crm = ItDirectory.generated(1, 0, 1_000, 0);
        registration = context.registerService(CrmDirectory.class, crm, null);
        String[] account = wazzup.createAccount();
        configure(configAdmin, Map.of(WazzupConnector.PROPERTY_API_KEY, account[1],
                WazzupConnector.PROPERTY_API_BASE_URL, wazzup.baseUrl(), WazzupConnector.PROPERTY_SCHEME, "CONTACTS_ONLY",
                "initialSync", false, "retryMaxDelaySeconds", 10, "batchDelayMillis", 200));
        SyncStatus status = syncStatus();

        long outageStart = System.nanoTime();
        wazzup.outage(Duration.ofSeconds(60), 503);
        List<String> ids = new ArrayList<>(crm.contacts.keySet());
        // the host's changes arrive during the first 40 seconds of the outage, 100 every 4 s
        java.util.concurrent.ScheduledExecutorService host = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try {
            for (int wave = 0; wave < 10; wave++) {
                List<String> batch = ids.subList(wave * 100, wave * 100 + 100);
                host.schedule(() -> batch.forEach(id -> eventAdmin.postEvent(CrmEvents.saved(CrmEvents.ENTITY_CONTACT, id))),
                        wave * 4L, java.util.concurrent.TimeUnit.SECONDS);
            }
            await("all 1,000 recorded", Duration.ofSeconds(60),
                () -> status.entities().values().stream().mapToLong(s -> s.pending()).sum() == 1_000);
        } finally {
            host.shutdownNow();
        }
        assertNotNull("the outage is visible", status.problem());
        assertTrue(status.problem(), status.problem().contains("unavailable"));
        assertEquals(0, wazzup.account(account[0]).get("contacts").size());

        await("all 1,000 delivered after the outage", Duration.ofSeconds(120),
                () -> wazzup.account(account[0]).get("contacts").size() == 1_000
                        && status.entities().values().stream().mapToLong(s -> s.pending()).sum() == 0);
        long sinceStart = Duration.ofNanos(System.nanoTime() - outageStart).toMillis();
        long refused = wazzup.journal(null, "POST /v3/contacts").stream().filter(e -> e.get("status").asInt() == 503).count();
        System.out.printf("outage 60 s: delivered 1,000 contacts %d ms after the outage began; %d requests met the 503%n",
                sinceStart, refused);
        await("the problem cleared", Duration.ofSeconds(30), () -> status.problem() == null);
    }
}
