package dev.crmbridge.wazzup.itests;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;
import javax.inject.Inject;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * The house style of our Pax Exam tests: one framework per class ({@code PerClass}), our bundles plus
 * only SCR, ConfigAdmin, Metatype, EventAdmin and Felix HTTP (Jetty 12), provisioned offline, on free
 * loopback ports. Subclasses add options with {@code combine(baseConfiguration(), ...)}.
 */
public abstract class WazzupTestSupport {

    /** Symbolic name of the API bundle. */
    public static final String API_BSN = "dev.crmbridge.wazzup.api";
    /** Symbolic name of the plugin bundle. */
    public static final String PLUGIN_BSN = "dev.crmbridge.wazzup";

    /** Framework property holding the loopback HTTP port of the whiteboard. */
    public static final String HTTP_PORT = "org.osgi.service.http.port";

    /** How long a test waits for an asynchronous outcome before it fails. */
    protected static final Duration TIMEOUT = Duration.ofSeconds(15);

    /** System property with the base URL of the test JVM's emulator. */
    public static final String EMULATOR_URL = "wazzup.itest.emulator";

    @Inject
    protected BundleContext context;

    /** The framework setup every IT shares. Runs in the outer JVM, before the framework starts. */
    protected Option[] baseConfiguration() {
        return options(
                frameworkProperty(HTTP_PORT).value(Integer.toString(freePort())),
                frameworkProperty("org.apache.felix.http.host").value("127.0.0.1"),
                // the fallback logger of pax-logging-api (no backend is installed) prints to System.out
                systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value(logLevel()),
                mavenBundle("org.ops4j.pax.logging", "pax-logging-api").versionAsInProject().startLevel(1),

                mavenBundle("org.osgi", "org.osgi.util.function").versionAsInProject(),
                mavenBundle("org.osgi", "org.osgi.util.promise").versionAsInProject(),
                mavenBundle("org.osgi", "org.osgi.service.component").versionAsInProject(),
                mavenBundle("org.apache.felix", "org.apache.felix.scr").versionAsInProject(),
                mavenBundle("org.apache.felix", "org.apache.felix.configadmin").versionAsInProject(),
                mavenBundle("org.apache.felix", "org.apache.felix.metatype").versionAsInProject(),
                mavenBundle("org.apache.felix", "org.apache.felix.eventadmin").versionAsInProject(),

                mavenBundle("commons-io", "commons-io").versionAsInProject(),
                mavenBundle("commons-fileupload", "commons-fileupload").versionAsInProject(),
                mavenBundle("org.apache.felix", "org.apache.felix.http.servlet-api").versionAsInProject(),
                mavenBundle("org.apache.felix", "org.apache.felix.http.wrappers").versionAsInProject(),
                mavenBundle("org.apache.felix", "org.apache.felix.http.jetty12").versionAsInProject(),

                mavenBundle("com.fasterxml.jackson.core", "jackson-annotations").versionAsInProject(),
                mavenBundle("com.fasterxml.jackson.core", "jackson-core").versionAsInProject(),
                mavenBundle("com.fasterxml.jackson.core", "jackson-databind").versionAsInProject(),

                reactorBundle("api"),
                reactorBundle("bundle"),

                junitBundles(),
                cleanCaches());
    }

    /**
     * Starts the test JVM's emulator (once, outside the framework) and tells the tests where it is.
     * Call it from a {@code @Configuration} method.
     */
    protected static Option emulator() {
        return systemProperty(EMULATOR_URL).value(OuterEmulator.url());
    }

    /** Creates or replaces the connector's configuration. */
    protected static void configure(org.osgi.service.cm.ConfigurationAdmin configAdmin, java.util.Map<String, ?> properties)
            throws IOException {
        org.osgi.service.cm.Configuration c = configAdmin.getConfiguration(dev.crmbridge.wazzup.api.WazzupConnector.PID, "?");
        c.update(new java.util.Hashtable<>(properties));
    }

    /** Deletes the connector's configuration, if any, and waits until the connector has stopped. */
    protected void unconfigure(org.osgi.service.cm.ConfigurationAdmin configAdmin) throws Exception {
        org.osgi.service.cm.Configuration[] existing = configAdmin.listConfigurations(
                "(service.pid=" + dev.crmbridge.wazzup.api.WazzupConnector.PID + ")");
        if (existing != null) {
            for (org.osgi.service.cm.Configuration c : existing) {
                c.delete();
            }
        }
        // the next test's events must not meet the component while SCR still deactivates it
        await("the connector stopped", Duration.ofSeconds(30),
                () -> context.getServiceReference(dev.crmbridge.wazzup.api.sync.SyncStatus.class) == null);
    }

    /** The connector's {@link dev.crmbridge.wazzup.api.sync.SyncStatus}, waiting for it. */
    protected dev.crmbridge.wazzup.api.sync.SyncStatus syncStatus() {
        return await("the SyncStatus service", () -> {
            org.osgi.framework.ServiceReference<dev.crmbridge.wazzup.api.sync.SyncStatus> ref =
                    context.getServiceReference(dev.crmbridge.wazzup.api.sync.SyncStatus.class);
            return ref == null ? null : context.getService(ref);
        });
    }

    /** Like {@link #await(String, Supplier)} with another deadline; an AssertionError of the probe ends it at once. */
    public static <T> T await(String what, Duration timeout, java.util.concurrent.Callable<T> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value;
            try {
                value = probe.call();
            } catch (Exception e) {
                value = null;
            }
            if (value != null && !Boolean.FALSE.equals(value)) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for: " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what, e);
            }
        }
    }

    /** The level of the framework's fallback logger; WARN keeps test output short. */
    protected String logLevel() {
        return "WARN";
    }

    /** One of our bundles, as copied into {@code target/bundles} by the build. */
    protected static Option reactorBundle(String artifactId) {
        String dir = System.getProperty("wazzup.itest.bundles", "target/bundles");
        File jar = new File(dir, artifactId + ".jar");
        if (!jar.isFile()) {
            throw new IllegalStateException("missing " + jar.getAbsolutePath() + ": run the build with Maven (mvn verify)");
        }
        return bundle(jar.toURI().toString());
    }

    /** A free TCP port on loopback, chosen by the OS. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The installed bundle with this symbolic name. */
    protected Optional<Bundle> bundleNamed(String symbolicName) {
        return Arrays.stream(context.getBundles())
                .filter(b -> symbolicName.equals(b.getSymbolicName()))
                .findFirst();
    }

    /** The whiteboard's HTTP port on loopback. */
    protected int httpPort() {
        return Integer.parseInt(context.getProperty(HTTP_PORT));
    }

    /**
     * Waits until {@code probe} returns a non-null, non-false value, polling every 20 ms, and
     * returns it; fails with {@code what} after {@link #TIMEOUT}.
     */
    protected static <T> T await(String what, Supplier<T> probe) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        RuntimeException last = null;
        while (true) {
            try {
                T value = probe.get();
                if (value != null && !Boolean.FALSE.equals(value)) {
                    return value;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                AssertionError error = new AssertionError("timed out after " + TIMEOUT.toSeconds() + " s waiting for: " + what);
                if (last != null) {
                    error.initCause(last);
                }
                throw error;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what, e);
            }
        }
    }
}
