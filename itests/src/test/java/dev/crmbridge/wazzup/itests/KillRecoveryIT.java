package dev.crmbridge.wazzup.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.crmbridge.wazzup.emulator.Account;
import dev.crmbridge.wazzup.emulator.EmulatorOptions;
import dev.crmbridge.wazzup.emulator.Fault;
import dev.crmbridge.wazzup.emulator.WazzupEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.Test;

/**
 * A JVM killed in the middle of dispatch loses nothing: the framework runs in a child process with
 * the connector and a host that reports 20,000 contacts as saved (initial sync off); once the connector
 * says all of them are stored and Wazzup (the emulator, in this JVM) has received some, the child gets SIGKILL;
 * started again on the same storage, without any new event, it delivers the rest from its durable
 * outbox.
 */
public class KillRecoveryIT {

    private static final int CONTACTS = 20_000;

    private WazzupEmulator wazzup;
    private Process child;

    @After
    public void tearDown() {
        if (child != null) {
            child.destroyForcibly();
        }
        if (wazzup != null) {
            wazzup.close();
        }
    }

    @Test
    public void aKilledJvmDeliversEverythingAfterRestart() throws Exception {
        wazzup = WazzupEmulator.builder().options(new EmulatorOptions().journalCapacity(10_000)).start();
        Account account = wazzup.createAccount("kill");
        // slow Wazzup down so that the kill lands in the middle of the 200 requests
        wazzup.faults().next("POST /v3/contacts", 400, Fault.delay(Duration.ofMillis(40)));

        Path work = Files.createTempDirectory(Path.of("target"), "kill-");
        List<String> bundles = new ArrayList<>(ChildFrameworks.bundles(ChildFrameworks.concat(ChildFrameworks.CORE,
                ChildFrameworks.EVENT_ADMIN)));
        bundles.addAll(ChildFrameworks.ours());
        bundles.add(ChildFrameworks.hostBundle(work.resolve("testhost.jar"), "dev.crmbridge.wazzup.itests.childhost",
                ChildHostActivator.class, "dev.crmbridge.wazzup.api,dev.crmbridge.wazzup.api.model,"
                        + "dev.crmbridge.wazzup.api.spi,dev.crmbridge.wazzup.api.event,dev.crmbridge.wazzup.api.sync,"
                        + "org.osgi.framework,org.osgi.service.cm,org.osgi.service.event,org.osgi.util.tracker",
                ItDirectory.class, ChildConfig.class));
        child = ChildFrameworks.start(work.resolve("felix-cache"), properties(account, true), bundles, work.resolve("child-1.log"));
        Path log1 = work.resolve("child-1.log");
        await("all changes recorded and some contacts in Wazzup", Duration.ofSeconds(60), () -> alive()
                && Files.readString(log1).contains("CHILD RECORDED " + CONTACTS + " (0 not stored)")
                && account.contacts().size() >= 2_000);
        child.destroyForcibly().waitFor();
        int beforeKill = account.contacts().size();
        System.out.printf("killed with %d of %d contacts delivered%n", beforeKill, CONTACTS);
        assertTrue("killed in the middle: " + beforeKill, beforeKill < CONTACTS);

        wazzup.faults().clear();
        child = ChildFrameworks.start(work.resolve("felix-cache"), properties(account, false), bundles, work.resolve("child-2.log"));
        await("all contacts in Wazzup", Duration.ofSeconds(120), () -> alive() && account.contacts().size() == CONTACTS);
        assertEquals("Client 19999", account.contact("c019999").orElseThrow().name());
        long failed = wazzup.journal().entries(e -> e.status() >= 400 && e.accountId() != null).size();
        System.out.printf("after restart: %d contacts, %d requests in all, %d failed%n", account.contacts().size(),
                wazzup.journal().entries("POST /v3/contacts").size(), failed);
    }

    /** The child is running; fails at once when it died (its log says why). */
    private boolean alive() {
        if (!child.isAlive()) {
            throw new AssertionError("the child framework exited with " + child.exitValue() + ": see target/kill-*/child-*.log");
        }
        return true;
    }

    private Map<String, String> properties(Account account, boolean reportEvents) {
        return Map.of("wazzup.child.contacts", Integer.toString(CONTACTS), "wazzup.child.events", Boolean.toString(reportEvents),
                "wazzup.child.apiKey", account.apiKey(), "wazzup.child.emulator", wazzup.baseUrl().toString());
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(String what, Duration timeout, Condition condition) {
        WazzupTestSupport.await(what, timeout, condition::holds);
    }
}
