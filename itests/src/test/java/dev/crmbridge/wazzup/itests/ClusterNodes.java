package dev.crmbridge.wazzup.itests;

import static org.junit.Assert.assertEquals;

import dev.crmbridge.wazzup.emulator.Account;
import dev.crmbridge.wazzup.emulator.EmulatorOptions;
import dev.crmbridge.wazzup.emulator.WazzupEmulator;
import dev.crmbridge.wazzup.testdb.PostgresServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cluster of CRM nodes on a real PostgreSQL, for {@link ClusterIT} and {@link ClusterBenchmark}: a fresh
 * database with the CRM's table of contacts, one emulator with an account, and nodes, each a Felix
 * framework in a JVM of its own ({@link ClusterNodeActivator} is their host CRM). Closing it kills the
 * nodes and stops the emulator.
 */
final class ClusterNodes implements AutoCloseable {

    static final String SECRET = "cluster-webhook-secret-0123456789";
    static final int USERS = 3;

    private static int databases;

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final List<Node> nodes = new ArrayList<>();
    final WazzupEmulator wazzup;
    final Account account;
    final String jdbc;
    final Path work;

    /**
     * A fresh database {@code name} with {@code contacts}, the emulator listening on {@code host}
     * ({@code 0.0.0.0}: each node may reach it by its own address).
     */
    ClusterNodes(PostgresServer postgres, String name, int contacts, String host, EmulatorOptions options) throws Exception {
        jdbc = postgres.createDatabase(name + "_" + (++databases));
        try (Connection c = DriverManager.getConnection(jdbc, PostgresServer.USER, "")) {
            SharedCrm.create(c, contacts, USERS);
        }
        wazzup = WazzupEmulator.builder().host(host).options(options).start();
        account = wazzup.createAccount(name);
        work = Files.createTempDirectory(Path.of("target"), "cluster-" + name + "-");
    }

    @Override
    public void close() {
        for (Node n : nodes) {
            n.resume();
            n.process.destroyForcibly();
        }
        wazzup.close();
    }

    /** One node of the cluster: its process, its HTTP port, its log. */
    final class Node {
        final String name;
        final int port;
        Process process;
        Path log;
        int starts;

        Node(String name) {
            this.name = name;
            this.port = WazzupTestSupport.freePort();
        }

        Node start(int contacts, int deals, boolean initialSync, Map<String, String> more) throws Exception {
            String host = ChildFrameworks.hostBundle(work.resolve(name + "-host.jar"), "dev.crmbridge.wazzup.itests.clusterhost",
                    ClusterNodeActivator.class, "dev.crmbridge.wazzup.api,dev.crmbridge.wazzup.api.model,"
                            + "dev.crmbridge.wazzup.api.spi,dev.crmbridge.wazzup.api.event,dev.crmbridge.wazzup.api.sync,"
                            + "org.osgi.framework,org.osgi.service.cm,org.osgi.service.event,org.osgi.util.tracker,"
                            + "javax.sql,javax.servlet,javax.servlet.http,com.zaxxer.hikari,org.postgresql.ds"
                            + "",
                    ItDirectory.class, SharedCrm.class, ItSession.class, ClusterNodeActivator.CrmServlet.class,
                    CountFile.class);
            List<String> bundles = new ArrayList<>(ChildFrameworks.bundles(ChildFrameworks.concat(ChildFrameworks.CORE,
                    ChildFrameworks.EVENT_ADMIN, ChildFrameworks.HTTP, new String[][] {{"org.postgresql", "postgresql"},
                            {"com.zaxxer", "HikariCP"}})));
            bundles.addAll(ChildFrameworks.ours());
            bundles.add(host);
            Map<String, String> p = new HashMap<>(Map.of("wazzup.child.jdbc", jdbc, "wazzup.child.node", name,
                    "wazzup.child.emulator", wazzup.baseUrl().toString(), "wazzup.child.apiKey", account.apiKey(),
                    "wazzup.child.secret", SECRET, "wazzup.child.users", Integer.toString(USERS),
                    "wazzup.child.contacts", Integer.toString(contacts), "wazzup.child.deals", Integer.toString(deals),
                    "wazzup.child.initialSync", Boolean.toString(initialSync),
                    "org.osgi.service.http.port", Integer.toString(port)));
            p.put("org.apache.felix.http.host", "127.0.0.1");
            p.putAll(more);
            log = work.resolve(name + "-" + (++starts) + ".log");
            process = ChildFrameworks.start(work.resolve(name + "-felix"), p, bundles, log);
            return this;
        }

        /** The node's status line ({@code leader=… node=… nodes=[…] pending=…}), or null while it does not answer. */
        String status() {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/crm/status"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 ? r.body().strip() : null;
            } catch (Exception e) {
                return null;
            }
        }

        String leader() {
            String s = status();
            if (s == null) {
                return null;
            }
            Matcher m = Pattern.compile("leader=(\\S+)").matcher(s);
            return m.find() && !m.group(1).equals("null") ? m.group(1) : null;
        }

        /** Changes contacts [from, to) on this node; answers the HTTP status. */
        int change(int from, int to, String newName, String report) throws Exception {
            HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/crm/contacts?from=" + from + "&to="
                    + to + "&name=" + newName + "&report=" + report)).timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.noBody()).build();
            return http.send(r, HttpResponse.BodyHandlers.ofString()).statusCode();
        }

        int webhook(String body) {
            try {
                HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/wazzup/webhook/" + SECRET))
                        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
                return http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (Exception e) {
                return -1;
            }
        }

        long pid() {
            return process.pid();
        }

        void kill() throws InterruptedException {
            process.destroyForcibly().waitFor(); // SIGKILL
        }

        void pause() throws Exception {
            signal("STOP");
        }

        void resume() {
            try {
                if (process != null && process.isAlive()) {
                    signal("CONT");
                }
            } catch (Exception e) {
                // gone
            }
        }

        private void signal(String sig) throws Exception {
            Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(pid())).inheritIO().start();
            assertEquals("kill -" + sig, 0, k.waitFor());
        }

        boolean alive() {
            if (!process.isAlive()) {
                throw new AssertionError("node " + name + " exited with " + process.exitValue() + ": see " + log);
            }
            return true;
        }

        String logText() throws Exception {
            return Files.readString(log);
        }
    }

    Node node(String name) {
        Node n = new Node(name);
        nodes.add(n);
        return n;
    }

    long journal(String route) {
        return wazzup.journal().entries(e -> route.equals(e.method() + " " + e.path()) && account.id().equals(e.accountId()))
                .size();
    }

    long tooMany() {
        return wazzup.journal().entries(e -> e.status() == 429).size();
    }

    String nameInDb(String id) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbc, PostgresServer.USER, "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT name FROM crm_contact WHERE id = '" + id + "'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Every contact in Wazzup carries the name the CRM's table holds. */
    boolean allNamesArrived(int contacts) throws SQLException {
        Map<String, String> db = new HashMap<>();
        try (Connection c = DriverManager.getConnection(jdbc, PostgresServer.USER, "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, name FROM crm_contact")) {
            while (rs.next()) {
                db.put(rs.getString(1), rs.getString(2));
            }
        }
        if (account.contacts().size() != contacts) {
            return false;
        }
        return account.contacts().stream().allMatch(ct -> ct.name().equals(db.get(ct.id())));
    }

    /** Both nodes up, the same leader seen by both; answers {leader, follower}. */
    Node[] twoNodes(int contacts, int deals, boolean initialSync, Map<String, String> more) throws Exception {
        Node a = node("node-a").start(contacts, deals, initialSync, more);
        Node b = node("node-b").start(contacts, deals, initialSync, more);
        WazzupTestSupport.await("one leader seen by both nodes", Duration.ofSeconds(60), () -> a.alive() && b.alive() && a.leader() != null
                && a.leader().equals(b.leader()) && a.status().contains("node-b") && b.status().contains("node-a"));
        return a.leader().equals(a.name) ? new Node[] {a, b} : new Node[] {b, a};
    }

    long namedInWazzup(String prefix) {
        return account.contacts().stream().filter(c -> c.name().startsWith(prefix)).count();
    }

    long count(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbc, PostgresServer.USER, "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
