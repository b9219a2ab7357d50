package dev.crmbridge.wazzup.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.crmbridge.wazzup.emulator.Account;
import dev.crmbridge.wazzup.emulator.EmulatorOptions;
import dev.crmbridge.wazzup.emulator.Fault;
import dev.crmbridge.wazzup.emulator.WazzupEmulator;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.After;
import org.junit.Test;
import org.ops4j.pax.tinybundles.TinyBundles;
import org.osgi.framework.Constants;

/**
 * A JVM killed in the middle of dispatch loses nothing: the framework runs in a child process with
 * the connector and a host that reports 20,000 contacts as saved (synchronous events, initial sync
 * off); once Wazzup (the emulator, in this JVM) has received some of them, the child gets SIGKILL;
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
        List<String> bundles = bundles(work);
        child = start(command(work.resolve("felix-cache"), account, bundles, true), work.resolve("child-1.log"));
        await("some contacts in Wazzup", Duration.ofSeconds(60), () -> alive() && account.contacts().size() >= 2_000);
        child.destroyForcibly().waitFor();
        int beforeKill = account.contacts().size();
        System.out.printf("killed with %d of %d contacts delivered%n", beforeKill, CONTACTS);
        assertTrue("killed in the middle: " + beforeKill, beforeKill < CONTACTS);

        wazzup.faults().clear();
        child = start(command(work.resolve("felix-cache"), account, bundles, false), work.resolve("child-2.log"));
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

    private List<String> command(Path storage, Account account, List<String> bundles, boolean reportEvents) {
        String felix = localRepo().resolve("org/apache/felix/org.apache.felix.framework/7.0.5/org.apache.felix.framework-7.0.5.jar")
                .toString();
        List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Dorg.ops4j.pax.logging.DefaultServiceLog.level=WARN",
                "-cp", felix + File.pathSeparator + new File("target/test-classes").getAbsolutePath(),
                ChildFramework.class.getName(), storage.toString(),
                "wazzup.child.contacts=" + CONTACTS,
                "wazzup.child.events=" + reportEvents,
                "wazzup.child.apiKey=" + account.apiKey(),
                "wazzup.child.emulator=" + wazzup.baseUrl(), "--"));
        c.addAll(bundles);
        return c;
    }

    private static Process start(List<String> command, Path log) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** The framework's bundles: the same set as the Pax Exam tests, our two, and the test host. */
    private static List<String> bundles(Path work) throws IOException {
        Properties versions = new Properties();
        try (InputStream in = KillRecoveryIT.class.getResourceAsStream("/META-INF/maven/dependencies.properties")) {
            versions.load(in);
        }
        List<String> out = new ArrayList<>();
        String[][] gas = {{"org.ops4j.pax.logging", "pax-logging-api"}, {"org.osgi", "org.osgi.util.function"},
                {"org.osgi", "org.osgi.util.promise"}, {"org.osgi", "org.osgi.service.component"},
                {"org.apache.felix", "org.apache.felix.scr"}, {"org.apache.felix", "org.apache.felix.configadmin"},
                {"org.apache.felix", "org.apache.felix.metatype"}, {"org.apache.felix", "org.apache.felix.eventadmin"},
                {"com.fasterxml.jackson.core", "jackson-annotations"}, {"com.fasterxml.jackson.core", "jackson-core"},
                {"com.fasterxml.jackson.core", "jackson-databind"}, {"org.apache.felix", "org.apache.felix.http.servlet-api"}};
        for (String[] ga : gas) {
            String v = versions.getProperty(ga[0] + "/" + ga[1] + "/version");
            out.add(localRepo().resolve(ga[0].replace('.', '/')).resolve(ga[1]).resolve(v)
                    .resolve(ga[1] + "-" + v + ".jar").toString());
        }
        String dir = System.getProperty("wazzup.itest.bundles", "target/bundles");
        out.add(new File(dir, "api.jar").getAbsolutePath());
        out.add(new File(dir, "bundle.jar").getAbsolutePath());
        Path host = work.resolve("testhost.jar");
        try (InputStream in = TinyBundles.bundle()
                .symbolicName("dev.crmbridge.wazzup.itests.childhost")
                .setHeader(Constants.BUNDLE_MANIFESTVERSION, "2")
                .setHeader(Constants.BUNDLE_VERSION, "1.0.0")
                .setHeader(Constants.IMPORT_PACKAGE, "dev.crmbridge.wazzup.api,dev.crmbridge.wazzup.api.model,"
                        + "dev.crmbridge.wazzup.api.spi,dev.crmbridge.wazzup.api.event,dev.crmbridge.wazzup.api.sync,"
                        + "org.osgi.framework,org.osgi.service.cm,org.osgi.service.event,org.osgi.util.tracker")
                .activator(ChildHostActivator.class)
                .addClass(ChildHostActivator.class)
                .addClass(ItDirectory.class)
                .build(TinyBundles.rawBuilder())) {
            Files.copy(in, host, StandardCopyOption.REPLACE_EXISTING);
        }
        out.add(host.toString());
        return out;
    }

    private static Path localRepo() {
        return Path.of(System.getProperty("org.ops4j.pax.url.mvn.localRepository",
                System.getProperty("user.home") + "/.m2/repository"));
    }

    private static void await(String what, Duration timeout, java.util.function.BooleanSupplier condition) {
        WazzupTestSupport.await(what, timeout, () -> condition.getAsBoolean());
    }
}
