package dev.crmbridge.wazzup.demo.launcher;

import dev.crmbridge.wazzup.emulator.WazzupEmulator;
import dev.crmbridge.wazzup.testdb.PostgresServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The cluster demo ({@code bin/demo-cluster}): a PostgreSQL server of the machine's binaries, one Wazzup
 * emulator, and two demo nodes ({@link DemoLauncher} in JVMs of their own) on ports 8080 and 8081. The
 * nodes share the connector's store (PostgreSQL, created empty for every run, since the emulator forgets
 * everything too) and one CRM database, as the nodes of a CRM behind a load balancer do. One of them
 * leads and sends to Wazzup; stop it and the other takes over. Commands on the standard input: {@code
 * status}, {@code stop a} (a clean stop, the lease is handed over at once), {@code kill a} (SIGKILL: the
 * other node waits for the lease to run out), {@code start a}, {@code quit}.
 *
 * <pre>java -cp wazzup-demo.jar dev.crmbridge.wazzup.demo.launcher.ClusterDemo [--dir wazzup-demo-cluster]
 *     [--ports 8080,8081] [--emulator-port 9090] [--log-level WARN]</pre>
 */
public final class ClusterDemo {

    private static final PrintStream OUT = System.out;
    /** The database's clock in epoch milliseconds, as the lease table keeps times. */
    private static final String NOW = "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";

    private final Path dir;
    private final String jdbc;
    private final String emulatorUrl;
    private final String logLevel;
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final String webhookSecret;

    private ClusterDemo(Path dir, String jdbc, String emulatorUrl, String logLevel) {
        this.dir = dir;
        this.jdbc = jdbc;
        this.emulatorUrl = emulatorUrl;
        this.logLevel = logLevel;
        this.webhookSecret = DemoLauncher.newWebhookSecret();
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of("wazzup-demo-cluster");
        int[] ports = {8080, 8081};
        int emulatorPort = 9090;
        String logLevel = "WARN";
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                OUT.println("usage: bin/demo-cluster [--dir wazzup-demo-cluster] [--ports 8080,8081] [--emulator-port 9090]"
                        + " [--log-level WARN]");
                return;
            }
            String v = i + 1 < args.length ? args[++i] : null;
            if (v == null) {
                System.err.println("missing value for " + a);
                System.exit(2);
            }
            switch (a) {
                case "--dir" -> dir = Path.of(v);
                case "--ports" -> ports = java.util.Arrays.stream(v.split(",")).mapToInt(p -> Integer.parseInt(p.trim()))
                        .toArray();
                case "--emulator-port" -> emulatorPort = Integer.parseInt(v);
                case "--log-level" -> logLevel = v;
                default -> {
                    System.err.println("unknown option: " + a);
                    System.exit(2);
                }
            }
        }
        dir = dir.toAbsolutePath();
        Files.createDirectories(dir.resolve("crm"));
        long start = System.nanoTime();

        // stopped by this demo's own hook, after the nodes (not at the same time by its own)
        PostgresServer pg = PostgresServer.start(dir.resolve("pg")).stoppedByOwner();
        Class.forName("org.postgresql.Driver");
        String jdbc = pg.createDatabase("wazzup") + "?user=" + PostgresServer.USER;
        WazzupEmulator emulator = WazzupEmulator.builder().host("127.0.0.1").port(emulatorPort).start();
        emulator.createAccount(WazzupEmulator.DEMO_ACCOUNT_ID, WazzupEmulator.DEMO_API_KEY);
        String emulatorUrl = emulator.baseUrl().toString().replaceAll("/$", "");
        OUT.println("PostgreSQL on 127.0.0.1:" + pg.port() + " (data in " + dir.resolve("pg") + "), the emulator at "
                + emulatorUrl);

        ClusterDemo demo = new ClusterDemo(dir, jdbc, emulatorUrl, logLevel);
        char name = 'a';
        for (int port : ports) {
            demo.nodes.put(String.valueOf(name), new Node(String.valueOf(name), port));
            // new nodes for a new store: a framework of an earlier run would start its connector with that
            // run's configuration before the launcher writes this one's
            deleteTree(dir.resolve("node-" + name));
            name++;
        }
        CountDownLatch quit = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            demo.nodes.values().forEach(n -> {
                if (n.process != null) {
                    n.process.destroy(); // all at once, then wait for each
                }
            });
            demo.nodes.values().forEach(Node::stop);
            emulator.close();
            pg.close();
            OUT.println("Cluster demo stopped.");
        }, "wazzup-cluster-demo-stop"));

        // one after the other: the first seeds the CRM's database, the second finds it seeded
        for (Node n : demo.nodes.values()) {
            demo.start(n);
        }
        OUT.println();
        OUT.println("Wazzup cluster demo ready in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
        for (Node n : demo.nodes.values()) {
            OUT.println("  node " + n.name + ":  http://localhost:" + n.port + "/  (pid " + n.process.pid() + ")");
        }
        OUT.println("  Wazzup:  the emulator at " + emulatorUrl + "/__emulator (account demo)");
        OUT.println("  Each node's Wazzup page (sign in as Sergei Orlov, the administrator) shows which node leads.");
        OUT.println("  Commands: status | stop a | kill a | start a | quit   (Ctrl-C stops everything)");
        demo.status();

        Thread console = new Thread(() -> {
            try {
                demo.console(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
            } catch (IOException e) {
                System.err.println("console: " + e);
            }
            quit.countDown();
        }, "wazzup-cluster-demo-console");
        console.setDaemon(true);
        console.start();
        quit.await();
        System.exit(0); // the shutdown hook stops the nodes, the emulator and PostgreSQL
    }

    private void console(BufferedReader in) throws IOException {
        for (String line; (line = in.readLine()) != null; ) {
            String[] w = line.trim().split("\\s+");
            try {
                switch (w[0]) {
                    case "" -> { }
                    case "status" -> status();
                    case "stop", "kill", "start" -> {
                        Node n = w.length > 1 ? nodes.get(w[1]) : null;
                        if (n == null) {
                            OUT.println("which node? " + String.join(", ", nodes.keySet()));
                        } else if (w[0].equals("start")) {
                            start(n);
                            status();
                        } else {
                            long t0 = System.nanoTime();
                            if (w[0].equals("kill")) {
                                n.kill();
                            } else {
                                n.stop();
                            }
                            OUT.println("node " + n.name + " " + (w[0].equals("kill") ? "killed" : "stopped"));
                            awaitLeader(t0, n.name);
                        }
                    }
                    case "quit", "exit" -> {
                        return;
                    }
                    default -> OUT.println("commands: status | stop a | kill a | start a | quit");
                }
            } catch (SQLException | InterruptedException e) {
                OUT.println(w[0] + " failed: " + e.getMessage());
            }
        }
    }

    private void start(Node n) throws IOException, InterruptedException {
        if (n.process != null && n.process.isAlive()) {
            OUT.println("node " + n.name + " runs already");
            return;
        }
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        Path jar = Path.of(java.net.URI.create(
                ClusterDemo.class.getProtectionDomain().getCodeSource().getLocation().toString()));
        List<String> command = new ArrayList<>(List.of(javaBin, "-Xmx512m", "-cp", jar.toString(),
                DemoLauncher.class.getName(), "--node", n.name, "--port", Integer.toString(n.port),
                "--data", dir.resolve("node-" + n.name).toString(), "--postgres", jdbc, "--emulator-url", emulatorUrl,
                "--crm-db", dir.resolve("crm").resolve("crm").toString(), "--log-level", logLevel));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("WAZZUP_DEMO_WEBHOOK_SECRET", webhookSecret); // one secret for the cluster
        Process p = pb.start();
        n.process = p;
        CountDownLatch ready = new CountDownLatch(1);
        Thread pipe = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    OUT.println("[" + n.name + "] " + line);
                    if (line.startsWith("  Data:")) {
                        ready.countDown();
                    }
                }
            } catch (IOException e) {
                // the node ended
            }
            ready.countDown();
        }, "node-" + n.name + "-output");
        pipe.setDaemon(true);
        pipe.start();
        if (!ready.await(120, TimeUnit.SECONDS) || !p.isAlive()) {
            OUT.println("node " + n.name + " did not start: see its output above");
        }
    }

    /** Waits (up to 30 s) until a node other than {@code gone} leads, and says how long it took. */
    private void awaitLeader(long since, String gone) throws SQLException, InterruptedException {
        long deadline = since + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String leader = leader();
            if (leader != null && !leader.equals(gone)) {
                OUT.printf("node %s leads, %.1f s after%n", leader, (System.nanoTime() - since) / 1e9);
                return;
            }
            Thread.sleep(100);
        }
        OUT.println("no node leads: start one (start a)");
    }

    /** The live leader's name, from the lease table, or null. */
    private String leader() throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement()) {
            if (!exists(c)) {
                return null;
            }
            try (ResultSet r = s.executeQuery("SELECT holder FROM wz_lease WHERE expires_at > " + NOW + " ORDER BY account LIMIT 1")) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    private void status() throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement()) {
            if (!exists(c)) {
                OUT.println("no node has joined yet");
                return;
            }
            try (ResultSet r = s.executeQuery("SELECT holder, since, expires_at > " + NOW + " FROM wz_lease ORDER BY account")) {
                while (r.next()) {
                    OUT.println("leader: " + (r.getBoolean(3) ? "node " + r.getString(1) + " since " + java.time.Instant.ofEpochMilli(r.getLong(2))
                            : "none (the lease of node " + r.getString(1) + " ran out)"));
                }
            }
            try (ResultSet r = s.executeQuery("SELECT node, seen_at > " + NOW + " - 30000 FROM wz_node ORDER BY node")) {
                StringBuilder b = new StringBuilder("nodes:");
                while (r.next()) {
                    b.append(' ').append(r.getString(1)).append(r.getBoolean(2) ? " (alive)" : " (gone)");
                }
                OUT.println(b);
            }
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (Files.exists(p)) {
            try (var files = Files.walk(p)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }

    private static boolean exists(Connection c) throws SQLException {
        try (ResultSet r = c.getMetaData().getTables(null, c.getSchema(), "wz_lease", null)) {
            return r.next();
        }
    }

    /** One node's process. */
    private static final class Node {
        final String name;
        final int port;
        volatile Process process;

        Node(String name, int port) {
            this.name = name;
            this.port = port;
        }

        void stop() {
            Process p = process;
            if (p != null && p.isAlive()) {
                p.destroy(); // SIGTERM: the node's shutdown hook stops its framework and hands the lease over
                try {
                    if (!p.waitFor(30, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
        }

        void kill() throws InterruptedException {
            Process p = process;
            if (p != null && p.isAlive()) {
                p.destroyForcibly(); // SIGKILL
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
