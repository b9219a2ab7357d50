package dev.crmbridge.wazzup.itests;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.ops4j.pax.tinybundles.TinyBundles;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.Constants;

/**
 * Runs an OSGi framework in a child process ({@link ChildFramework}) for tests that kill it: the bundle
 * files from the local Maven repository, a host bundle built from test classes, the command line.
 */
final class ChildFrameworks {

    /** The core the connector needs, without HTTP and without an EventAdmin implementation. */
    static final String[][] CORE = {{"org.ops4j.pax.logging", "pax-logging-api"}, {"org.osgi", "org.osgi.util.function"},
            {"org.osgi", "org.osgi.util.promise"}, {"org.osgi", "org.osgi.service.component"},
            {"org.apache.felix", "org.apache.felix.scr"}, {"org.apache.felix", "org.apache.felix.configadmin"},
            {"org.apache.felix", "org.apache.felix.metatype"}, {"com.fasterxml.jackson.core", "jackson-annotations"},
            {"com.fasterxml.jackson.core", "jackson-core"}, {"com.fasterxml.jackson.core", "jackson-databind"},
            {"org.apache.felix", "org.apache.felix.http.servlet-api"}};
    /** Felix HTTP (Jetty 12) for the javax whiteboard. */
    static final String[][] HTTP = {{"commons-io", "commons-io"}, {"commons-fileupload", "commons-fileupload"},
            {"org.apache.felix", "org.apache.felix.http.wrappers"}, {"org.apache.felix", "org.apache.felix.http.jetty12"}};
    static final String[][] EVENT_ADMIN = {{"org.apache.felix", "org.apache.felix.eventadmin"}};
    static final String[][] EVENT_API_ONLY = {{"org.osgi", "org.osgi.service.event"}};

    private ChildFrameworks() {
    }

    /** The jar files of these {@code {groupId, artifactId}} in the local repository, at the build's versions. */
    static List<String> bundles(String[]... groups) throws IOException {
        Properties versions = new Properties();
        try (InputStream in = ChildFrameworks.class.getResourceAsStream("/META-INF/maven/dependencies.properties")) {
            versions.load(in);
        }
        List<String> out = new ArrayList<>();
        for (String[] ga : groups) {
            String v = versions.getProperty(ga[0] + "/" + ga[1] + "/version");
            out.add(localRepo().resolve(ga[0].replace('.', '/')).resolve(ga[1]).resolve(v)
                    .resolve(ga[1] + "-" + v + ".jar").toString());
        }
        return out;
    }

    static String[][] concat(String[][]... parts) {
        List<String[]> all = new ArrayList<>();
        for (String[][] p : parts) {
            all.addAll(List.of(p));
        }
        return all.toArray(new String[0][]);
    }

    /** Our api and plugin bundles. */
    static List<String> ours() {
        String dir = System.getProperty("wazzup.itest.bundles", "target/bundles");
        return List.of(new File(dir, "api.jar").getAbsolutePath(), new File(dir, "bundle.jar").getAbsolutePath());
    }

    /** A host bundle of test classes with this activator, written to {@code jar}. */
    static String hostBundle(Path jar, String symbolicName, Class<? extends BundleActivator> activator, String imports,
            Class<?>... classes) throws IOException {
        var b = TinyBundles.bundle().symbolicName(symbolicName)
                .setHeader(Constants.BUNDLE_MANIFESTVERSION, "2")
                .setHeader(Constants.BUNDLE_VERSION, "1.0.0")
                .setHeader(Constants.IMPORT_PACKAGE, imports)
                .activator(activator)
                .addClass(activator);
        for (Class<?> c : classes) {
            b.addClass(c);
        }
        try (InputStream in = b.build(TinyBundles.rawBuilder())) {
            Files.copy(in, jar, StandardCopyOption.REPLACE_EXISTING);
        }
        return jar.toString();
    }

    /** Starts {@link ChildFramework} on {@code storage} with these framework properties and bundles. */
    static Process start(Path storage, Map<String, String> properties, List<String> bundles, Path log) throws IOException {
        String felix = localRepo().resolve("org/apache/felix/org.apache.felix.framework/7.0.5/org.apache.felix.framework-7.0.5.jar")
                .toString();
        List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Dorg.ops4j.pax.logging.DefaultServiceLog.level=WARN"));
        String extra = System.getenv("CHILD_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            c.addAll(List.of(extra.trim().split("\\s+")));
        }
        c.addAll(List.of(
                "-cp", felix + File.pathSeparator + new File("target/test-classes").getAbsolutePath(),
                ChildFramework.class.getName(), storage.toString()));
        properties.forEach((k, v) -> c.add(k + "=" + v));
        c.add("--");
        c.addAll(bundles);
        return new ProcessBuilder(c).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /**
     * Starts a Felix framework with the connector's full set (EventAdmin, Felix HTTP on loopback
     * {@code port}), our bundles and {@code host}, on {@code work/felix-cache}, logging to
     * {@code work/child.log}.
     */
    static Process startWithHttp(Path work, String host, int port, Map<String, String> properties) throws IOException {
        List<String> bundles = new ArrayList<>(bundles(concat(CORE, EVENT_ADMIN, HTTP)));
        bundles.addAll(ours());
        bundles.add(host);
        Map<String, String> all = new java.util.HashMap<>(properties);
        all.put("org.osgi.service.http.port", Integer.toString(port));
        all.put("org.apache.felix.http.host", "127.0.0.1");
        return start(work.resolve("felix-cache"), all, bundles, work.resolve("child.log"));
    }

    static Path localRepo() {
        return Path.of(System.getProperty("org.ops4j.pax.url.mvn.localRepository",
                System.getProperty("user.home") + "/.m2/repository"));
    }
}
