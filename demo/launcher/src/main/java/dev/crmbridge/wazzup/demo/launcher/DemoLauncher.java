package dev.crmbridge.wazzup.demo.launcher;

import dev.crmbridge.wazzup.emulator.WazzupEmulator;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * The demo: boots Apache Felix with the connector, the demo CRM, Felix HTTP (Jetty 12) and the Felix
 * Web Console, starts the Wazzup emulator (unless a real API key is given) and points the connector at
 * it. Data (the framework's cache with the configuration and the connector's store, the CRM's
 * database) stays in the data directory between runs. Ctrl-C stops everything cleanly.
 *
 * <pre>java -jar wazzup-demo.jar [--port 8080] [--host 127.0.0.1] [--data wazzup-demo-data]
 *     [--emulator-port 9090] [--api-key KEY [--public-url https://crm.example.com]]
 *     [--node a --postgres jdbc:postgresql://… --emulator-url http://127.0.0.1:9090 --crm-db DIR/crm]</pre>
 *
 * <p>The last line is one node of the cluster demo ({@link ClusterDemo}, {@code bin/demo-cluster}): the
 * connector's store on a PostgreSQL shared by the nodes, an emulator of their own, one CRM database.
 */
public final class DemoLauncher {

    private static final String PID = "dev.crmbridge.wazzup";
    private static final String CRM_CODE = "demo-crm";
    /** The demo integration's WAuth secret: new for every run (the emulator forgets it anyway). */
    private static final String WAUTH_SECRET = java.util.UUID.randomUUID().toString();

    private DemoLauncher() {
    }

    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        Options o = Options.parse(args);
        if (o == null) {
            System.exit(2);
            return;
        }
        Path data = Path.of(o.data).toAbsolutePath();
        Files.createDirectories(data);
        String crmUrl = "http://" + (o.host.equals("0.0.0.0") || o.host.equals("127.0.0.1") ? "localhost" : o.host) + ":"
                + o.port;

        WazzupEmulator emulator = null;
        String apiBaseUrl;
        String apiKey;
        String publicUrl;
        if (o.emulatorUrl != null) { // an emulator of its own (the cluster demo's, shared by the nodes)
            apiBaseUrl = o.emulatorUrl;
            apiKey = o.apiKey == null ? WazzupEmulator.DEMO_API_KEY : o.apiKey;
            publicUrl = "http://127.0.0.1:" + o.port;
        } else if (o.apiKey == null) {
            emulator = WazzupEmulator.builder().host("127.0.0.1").port(o.emulatorPort).start();
            emulator.createAccount(WazzupEmulator.DEMO_ACCOUNT_ID, WazzupEmulator.DEMO_API_KEY);
            // the demo CRM as a marketplace integration, so that connecting by button can be tried
            emulator.marketplace().register(CRM_CODE, crmUrl + "/wazzup/connect", WAUTH_SECRET,
                    emulator.createAccount("partner").id());
            apiBaseUrl = emulator.baseUrl().toString();
            apiKey = o.connectByButton ? null : WazzupEmulator.DEMO_API_KEY;
            publicUrl = "http://127.0.0.1:" + o.port; // the emulator delivers webhooks on loopback
        } else {
            apiBaseUrl = o.apiBaseUrl;
            apiKey = o.apiKey;
            publicUrl = o.publicUrl;
        }

        Map<String, String> props = new HashMap<>();
        props.put(Constants.FRAMEWORK_STORAGE, data.resolve("felix-cache").toString());
        props.put(Constants.FRAMEWORK_STORAGE_CLEAN, "none");
        props.put("org.osgi.service.http.port", Integer.toString(o.port));
        props.put("org.apache.felix.http.host", o.host);
        props.put("org.ops4j.pax.logging.DefaultServiceLog.level", o.logLevel);
        props.put("felix.webconsole.manager.root", "/system/console");
        props.put("wazzup.demo.data", data.toString());
        props.put("wazzup.demo.url", crmUrl);
        if (emulator != null) {
            props.put("wazzup.demo.emulatorUrl", emulator.baseUrl().toString().replaceAll("/$", ""));
        } else if (o.emulatorUrl != null) {
            props.put("wazzup.demo.emulatorUrl", o.emulatorUrl);
        }
        if (o.postgres != null) {
            props.put("wazzup.demo.postgres", o.postgres);
        }
        props.put("wazzup.demo.node", o.node);
        if (o.crmDb != null) {
            props.put("wazzup.demo.crmDb", Path.of(o.crmDb).toAbsolutePath().toString());
        }
        Framework framework = ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(props);
        framework.start();
        BundleContext context = framework.getBundleContext();
        List<Bundle> bundles = installBundles(context, data);
        configure(context, apiKey, apiBaseUrl, publicUrl, emulator != null, o.connectByButton, o);
        for (Bundle b : bundles) {
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                b.start();
            }
        }
        if (emulator != null) {
            // the emulator keeps nothing between runs: compare and send again what it lacks
            resyncWhenReady(context);
        }
        WazzupEmulator toClose = emulator;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(framework, toClose), "wazzup-demo-stop"));

        waitForHttp(crmUrl + "/login", 60);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        Runtime rt = Runtime.getRuntime();
        PrintStream out = System.out;
        out.println();
        out.println("Wazzup demo ready in " + millis + " ms (heap used " + (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024)
                + " MB of " + rt.totalMemory() / (1024 * 1024) + " MB; pid " + ManagementFactory.getRuntimeMXBean().getPid() + ")");
        out.println("  CRM:          " + crmUrl + "/  (sign in as a manager, or as Sergei Orlov, the administrator)");
        out.println("  Web Console:  " + crmUrl + "/system/console/configMgr/dev.crmbridge.wazzup  (admin / admin)");
        if (emulator != null) {
            out.println("  Wazzup:       the emulator at " + emulator.baseUrl() + "/__emulator (account demo)");
            if (o.connectByButton) {
                out.println("  Connect:      " + emulator.baseUrl() + "/__emulator/marketplace?accountId=demo → Connect "
                        + "(sign in as Sergei Orlov, the administrator, and confirm)");
            }
            out.println("  Try:          curl -X POST " + emulator.baseUrl() + "/__emulator/accounts/demo/customer-message "
                    + "-H 'Content-Type: application/json' -d '{\"chatType\":\"whatsapp\",\"chatId\":\"79990001122\","
                    + "\"name\":\"New Client\",\"text\":\"Hello! Do you deliver?\"}'");
        } else if (o.emulatorUrl != null) {
            out.println("  Wazzup:       the emulator at " + o.emulatorUrl + "/__emulator (account demo)");
        } else {
            out.println("  Wazzup:       " + apiBaseUrl + (publicUrl == null ? " (no --public-url: no webhooks)" : ", webhooks to "
                    + publicUrl));
        }
        if (o.postgres != null) {
            out.println("  Cluster:      node " + o.node + ", the connector's store on " + o.postgres.replaceAll("\\?.*", ""));
        }
        out.println("  Data:         " + data + "   (Ctrl-C stops)");
        out.flush();
        framework.waitForStop(0);
    }

    // ------------------------------------------------------------------ bundles

    /** Installs the embedded bundles, or updates those whose file changed since the last run. */
    private static List<Bundle> installBundles(BundleContext context, Path data) throws IOException, BundleException {
        Path hashes = data.resolve("bundles.sha256");
        Properties known = new Properties();
        if (Files.exists(hashes)) {
            try (InputStream in = Files.newInputStream(hashes)) {
                known.load(in);
            }
        }
        List<Bundle> out = new ArrayList<>();
        for (String name : embeddedBundles()) {
            byte[] jar;
            try (InputStream in = DemoLauncher.class.getResourceAsStream("/bundles/" + name)) {
                jar = in.readAllBytes();
            }
            String sha = sha256(jar);
            String location = "wazzup-demo:" + name;
            Bundle b = context.getBundle(location);
            if (b == null) {
                b = context.installBundle(location, new java.io.ByteArrayInputStream(jar));
            } else if (!sha.equals(known.getProperty(name))) {
                b.update(new java.io.ByteArrayInputStream(jar));
            }
            known.setProperty(name, sha);
            out.add(b);
        }
        try (var w = Files.newOutputStream(hashes)) {
            known.store(w, "the embedded bundles as last installed");
        }
        return out;
    }

    private static List<String> embeddedBundles() throws IOException {
        URL self = DemoLauncher.class.getProtectionDomain().getCodeSource().getLocation();
        List<String> names = new ArrayList<>();
        Path p = Path.of(java.net.URI.create(self.toString()));
        if (Files.isDirectory(p)) {
            try (var files = Files.list(p.resolve("bundles"))) {
                files.forEach(f -> names.add(f.getFileName().toString()));
            }
        } else {
            try (JarFile jar = new JarFile(p.toFile())) {
                for (JarEntry e : java.util.Collections.list(jar.entries())) {
                    if (e.getName().startsWith("bundles/") && e.getName().endsWith(".jar")) {
                        names.add(e.getName().substring("bundles/".length()));
                    }
                }
            }
        }
        names.sort(null); // NN- prefixes give the start order
        return names;
    }

    // ------------------------------------------------------------------ configuration

    /**
     * Writes the connector's configuration before the connector starts. ConfigAdmin's API is the
     * framework's, not the launcher's: it is called reflectively through the bundle's own interface.
     * A configuration from an earlier run is kept (an administrator may have changed it in the Web
     * Console) except the attributes this run decides: key, URLs.
     */
    private static void configure(BundleContext context, String apiKey, String apiBaseUrl, String publicUrl,
            boolean emulator, boolean connectByButton, Options o) throws Exception {
        Bundle cm = null;
        for (Bundle b : context.getBundles()) {
            if ("org.apache.felix.configadmin".equals(b.getSymbolicName())) {
                cm = b;
            }
        }
        cm.start();
        ServiceReference<?> ref = context.getServiceReference("org.osgi.service.cm.ConfigurationAdmin");
        Object admin = context.getService(ref);
        Class<?> adminType = cm.loadClass("org.osgi.service.cm.ConfigurationAdmin");
        Class<?> configType = cm.loadClass("org.osgi.service.cm.Configuration");
        Object config = adminType.getMethod("getConfiguration", String.class, String.class).invoke(admin, PID, "?");
        @SuppressWarnings("unchecked")
        Dictionary<String, Object> old = (Dictionary<String, Object>) configType.getMethod("getProperties").invoke(config);
        Hashtable<String, Object> p = new Hashtable<>();
        if (old != null) {
            for (String k : java.util.Collections.list(old.keys())) {
                p.put(k, old.get(k));
            }
        } else {
            p.put("batchDelayMillis", 200);
            p.put("counterPollSeconds", 10);
            p.put("chatDealEvents", Boolean.TRUE);
            p.put("dealPipelineId", "p-sales");
            p.put("dealStageId", "s-new");
        }
        String sharedSecret = System.getenv("WAZZUP_DEMO_WEBHOOK_SECRET"); // the cluster demo's, the same on every node
        if (sharedSecret != null && !sharedSecret.isBlank()) {
            p.put("webhookSecret", sharedSecret);
        } else if (p.get("webhookSecret") == null || p.get("webhookSecret").toString().isEmpty()) {
            // chosen here rather than by the connector, which would store it and restart its parts
            p.put("webhookSecret", newWebhookSecret());
        }
        if (apiKey != null) {
            p.put("apiKey", apiKey);
        }
        if (emulator) {
            p.put("crmCode", CRM_CODE);
            p.put("secret", WAUTH_SECRET);
        }
        if (connectByButton) { // start disconnected: the administrator connects from the marketplace
            p.remove("apiKey");
            p.remove("crmKey");
        }
        p.put("apiBaseUrl", apiBaseUrl);
        if (o.postgres != null) { // a node of the cluster demo: the store the nodes share, under its name
            p.put("storage", "DATA_SOURCE");
            // Declarative Services' minimum cardinality: the connector waits for the DataSource service
            // instead of starting without it
            p.put("dataSource.cardinality.minimum", 1);
            p.put("clusterNodeName", o.node);
        } else {
            p.put("storage", "EMBEDDED");
            p.remove("dataSource.cardinality.minimum");
            p.remove("clusterNodeName");
        }
        if (publicUrl != null) {
            p.put("publicBaseUrl", publicUrl);
        } else if (!emulator) {
            p.remove("publicBaseUrl");
        }
        Method update = configType.getMethod("update", Dictionary.class);
        update.invoke(config, p);
        context.ungetService(ref);
    }

    /** A fresh webhook secret: 24 random bytes, URL-safe Base64. */
    static String newWebhookSecret() {
        byte[] secret = new byte[24];
        new java.security.SecureRandom().nextBytes(secret);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    private static void resyncWhenReady(BundleContext context) {
        Thread t = new Thread(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                ServiceReference<?> ref = context.getServiceReference("dev.crmbridge.wazzup.api.sync.SyncStatus");
                if (ref != null) {
                    Object status = context.getService(ref);
                    try {
                        ref.getBundle().loadClass("dev.crmbridge.wazzup.api.sync.SyncStatus").getMethod("resyncAll")
                                .invoke(status);
                        return;
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        // the connector was swapping its parts (a configuration change): ask the next one
                        if (System.nanoTime() >= deadline - TimeUnit.MILLISECONDS.toNanos(200)) {
                            System.err.println("could not ask for a resync: " + e.getCause());
                            return;
                        }
                    } catch (ReflectiveOperationException e) {
                        System.err.println("could not ask for a resync: " + e);
                        return;
                    } finally {
                        context.ungetService(ref);
                    }
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "wazzup-demo-resync");
        t.setDaemon(true);
        t.start();
    }

    // ------------------------------------------------------------------ lifecycle

    private static void waitForHttp(String url, int seconds) throws InterruptedException {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            try {
                int status = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(50);
        }
        System.err.println("The CRM did not answer at " + url + " within " + seconds + " s: see the log above.");
    }

    private static void stop(Framework framework, WazzupEmulator emulator) {
        try {
            framework.stop();
            framework.waitForStop(30_000);
        } catch (BundleException | InterruptedException e) {
            System.err.println("stopping the framework: " + e);
        }
        if (emulator != null) {
            emulator.close();
        }
        System.out.println("Wazzup demo stopped.");
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The command line. */
    static final class Options {
        int port = 8080;
        String host = "127.0.0.1";
        String data = "wazzup-demo-data";
        int emulatorPort = 9090;
        String apiKey;
        String apiBaseUrl = "https://api.wazzup24.com";
        String publicUrl;
        String logLevel = "WARN";
        boolean connectByButton;
        String node = "demo";
        String postgres;
        String emulatorUrl;
        String crmDb;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--help") || a.equals("-h")) {
                    usage(System.out);
                    return null;
                }
                if (a.equals("--connect-by-button")) {
                    o.connectByButton = true;
                    continue;
                }
                if (i + 1 >= args.length) {
                    System.err.println("missing value for " + a);
                    usage(System.err);
                    return null;
                }
                String v = args[++i];
                switch (a) {
                    case "--port" -> o.port = Integer.parseInt(v);
                    case "--host" -> o.host = v;
                    case "--data" -> o.data = v;
                    case "--emulator-port" -> o.emulatorPort = Integer.parseInt(v);
                    case "--api-key" -> o.apiKey = v;
                    case "--api-base-url" -> o.apiBaseUrl = v;
                    case "--public-url" -> o.publicUrl = v.replaceAll("/+$", "");
                    case "--log-level" -> o.logLevel = v;
                    case "--node" -> o.node = v;
                    case "--postgres" -> o.postgres = v;
                    case "--emulator-url" -> o.emulatorUrl = v.replaceAll("/+$", "");
                    case "--crm-db" -> o.crmDb = v;
                    default -> {
                        System.err.println("unknown option: " + a);
                        usage(System.err);
                        return null;
                    }
                }
            }
            if (o.apiKey == null && System.getenv("WAZZUP_API_KEY") != null && !System.getenv("WAZZUP_API_KEY").isBlank()) {
                o.apiKey = System.getenv("WAZZUP_API_KEY").trim(); // keeps the key off the process list
            }
            return o;
        }

        static void usage(PrintStream out) {
            out.println("usage: java -jar wazzup-demo.jar [--port 8080] [--host 127.0.0.1] [--data wazzup-demo-data]");
            out.println("         [--emulator-port 9090] [--api-key KEY [--public-url URL] [--api-base-url URL]]");
            out.println("         [--log-level WARN] [--connect-by-button]");
            out.println("Without --api-key the Wazzup emulator stands in for Wazzup; with it the demo talks to Wazzup,");
            out.println("which sends webhooks to --public-url (an address it can reach, e.g. a tunnel to --port).");
            out.println("The key may come from the environment instead: WAZZUP_API_KEY (not shown in the process list).");
            out.println("--connect-by-button: start without a key and connect from the emulator's marketplace (WAuth).");
            out.println("A node of a cluster (bin/demo-cluster does this): --node NAME --postgres JDBC_URL (the connector's");
            out.println("store, shared) --emulator-url URL (an emulator already running) --crm-db PATH (one CRM database).");
        }
    }
}
