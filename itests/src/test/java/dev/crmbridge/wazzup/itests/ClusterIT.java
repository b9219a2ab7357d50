package dev.crmbridge.wazzup.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.crmbridge.wazzup.emulator.Account;
import dev.crmbridge.wazzup.emulator.EmulatorOptions;
import dev.crmbridge.wazzup.emulator.Fault;
import dev.crmbridge.wazzup.emulator.WazzupEmulator;
import dev.crmbridge.wazzup.emulator.model.JournalEntry;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Cluster mode on a real PostgreSQL: two CRM nodes, each a Felix framework in a JVM of its own
 * ({@link ClusterNodeActivator} is their host CRM, its contacts in the shared database), one emulator.
 * The nodes are killed (SIGKILL), paused (SIGSTOP) and resumed (SIGCONT) as an operating system would.
 */
public class ClusterIT {

    private static final String SECRET = "cluster-webhook-secret-0123456789";
    private static final int USERS = 3;

    private static PostgresServer postgres;
    private static int databases;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Node> nodes = new ArrayList<>();
    private WazzupEmulator wazzup;
    private Account account;
    private String jdbc;
    private Path work;

    @BeforeClass
    public static void startPostgres() throws Exception {
        postgres = PostgresServer.start(Path.of("target/pg-cluster"));
    }

    @AfterClass
    public static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @After
    public void tearDown() {
        for (Node n : nodes) {
            n.resume();
            n.process.destroyForcibly();
        }
        if (wazzup != null) {
            wazzup.close();
        }
    }

    /** A fresh database with the CRM's table of {@code contacts}, an emulator account, a work directory. */
    private void cluster(String name, int contacts) throws Exception {
        cluster(name, contacts, "127.0.0.1");
    }

    /** The same with the emulator listening on {@code host} ({@code 0.0.0.0}: each node may reach it by its own address). */
    private void cluster(String name, int contacts, String host) throws Exception {
        jdbc = postgres.createDatabase(name + "_" + (++databases));
        try (Connection c = DriverManager.getConnection(jdbc, PostgresServer.USER, "")) {
            SharedCrm.create(c, contacts, USERS);
        }
        wazzup = WazzupEmulator.builder().host(host).options(new EmulatorOptions().journalCapacity(50_000)).start();
        account = wazzup.createAccount(name);
        work = Files.createTempDirectory(Path.of("target"), "cluster-" + name + "-");
    }

    /** One node of the cluster: its process, its HTTP port, its log. */
    private final class Node {
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
                    ItDirectory.class, SharedCrm.class, ItSession.class, ClusterNodeActivator.CrmServlet.class);
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

    private Node node(String name) {
        Node n = new Node(name);
        nodes.add(n);
        return n;
    }

    private static void await(String what, Duration timeout, java.util.concurrent.Callable<Boolean> condition) {
        WazzupTestSupport.await(what, timeout, condition);
    }

    private long journal(String route) {
        return wazzup.journal().entries(e -> route.equals(e.method() + " " + e.path()) && account.id().equals(e.accountId()))
                .size();
    }

    private long tooMany() {
        return wazzup.journal().entries(e -> e.status() == 429).size();
    }

    private String nameInDb(String id) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbc, PostgresServer.USER, "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT name FROM crm_contact WHERE id = '" + id + "'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Every contact in Wazzup carries the name the CRM's table holds. */
    private boolean allNamesArrived(int contacts) throws SQLException {
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

    private static void noErrorIn(Node n) throws Exception {
        for (String line : n.logText().split("\n")) {
            assertFalse("node " + n.name + " logged an error: " + line, line.contains("ERROR") || line.contains("Exception"));
        }
    }

    private static void print(String format, Object... args) {
        System.out.printf("[ClusterIT] " + format + "%n", args);
    }

    // ---------------------------------------------------------------- 1 and 5

    @Test
    public void bothNodesStartAtOnceTheInitialSyncRunsOnceAndChangesMadeOnEitherNodeAreAllDelivered() throws Exception {
        int contacts = 2_000;
        int deals = 500;
        cluster("start", contacts);
        Node a = node("node-a");
        Node b = node("node-b");
        a.start(contacts, deals, true, Map.of());
        b.start(contacts, deals, true, Map.of()); // at once, on an empty database

        await("the initial sync", Duration.ofSeconds(120), () -> a.alive() && b.alive()
                && account.contacts().size() == contacts && account.deals().size() == deals);
        await("both nodes see one leader", Duration.ofSeconds(30), () -> a.leader() != null && a.leader().equals(b.leader()));
        String leader = a.leader();
        print("leader %s; requests: users %d, pipelines %d, contacts %d, deals %d", leader, journal("POST /v3/users"),
                journal("POST /v3/pipelines"), journal("POST /v3/contacts"), journal("POST /v3/deals"));
        // one node's initial sync: batches of 100, each sent once
        assertEquals(contacts / 100, journal("POST /v3/contacts"));
        assertEquals(deals / 100, journal("POST /v3/deals"));
        assertEquals(1, journal("POST /v3/users"));

        // 5,000 changes, alternately on both nodes, 100 a request
        Instant t0 = Instant.now();
        int changes = 0;
        int round = 0;
        while (changes < 5_000) {
            round++;
            for (int from = 0; from < contacts && changes < 5_000; from += 100) {
                Node on = (from / 100) % 2 == 0 ? a : b;
                assertEquals(200, on.change(from, from + 100, "Round" + round, "event"));
                changes += 100;
            }
        }
        await("every change in Wazzup", Duration.ofSeconds(120), () -> a.alive() && b.alive() && allNamesArrived(contacts));
        print("5,000 changes on both nodes delivered in %d ms with %d contact requests in all, %d answered 429",
                Duration.between(t0, Instant.now()).toMillis(), journal("POST /v3/contacts"), tooMany());
        assertEquals("no 429", 0, tooMany());
        assertEquals("Round3 999", nameInDb("c000999"));
        assertEquals("Round2 1999", nameInDb("c001999"));

        // one schema, and no error in either log
        try (Connection c = DriverManager.getConnection(jdbc, PostgresServer.USER, "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM wz_meta WHERE name = 'schema.version'")) {
            rs.next();
            assertEquals(1, rs.getInt(1));
        }
        noErrorIn(a);
        noErrorIn(b);
    }

    // ---------------------------------------------------------------- 2

    /** Both nodes up, the same leader seen by both; answers {leader, follower}. */
    private Node[] twoNodes(int contacts, int deals, boolean initialSync, Map<String, String> more) throws Exception {
        Node a = node("node-a").start(contacts, deals, initialSync, more);
        Node b = node("node-b").start(contacts, deals, initialSync, more);
        await("one leader seen by both nodes", Duration.ofSeconds(60), () -> a.alive() && b.alive() && a.leader() != null
                && a.leader().equals(b.leader()) && a.status().contains("node-b") && b.status().contains("node-a"));
        return a.leader().equals(a.name) ? new Node[] {a, b} : new Node[] {b, a};
    }

    private long namedInWazzup(String prefix) {
        return account.contacts().stream().filter(c -> c.name().startsWith(prefix)).count();
    }

    @Test
    public void aLeaderKilledInTheMiddleOfDispatchIsReplacedWithinTenSecondsAndEverythingIsDelivered() throws Exception {
        int contacts = 5_000;
        cluster("failover", contacts);
        Node[] n = twoNodes(contacts, 0, false, Map.of());
        Node leader = n[0];
        Node follower = n[1];
        // Wazzup slows down so that the kill lands in the middle of the 50 batches
        wazzup.faults().next("POST /v3/contacts", 1_000, Fault.delay(Duration.ofMillis(100)));
        for (int from = 0; from < contacts; from += 100) {
            assertEquals(200, (from / 100 % 2 == 0 ? leader : follower).change(from, from + 100, "Kill", "event"));
        }
        await("some batches in Wazzup", Duration.ofSeconds(60), () -> leader.alive() && namedInWazzup("Kill") >= 1_000);
        long requestsBefore = journal("POST /v3/contacts");
        long t0 = System.nanoTime();
        leader.kill();
        long deliveredAtKill = namedInWazzup("Kill");
        await("the other node leads", Duration.ofSeconds(30), () -> follower.alive() && follower.name.equals(follower.leader()));
        long failoverMillis = (System.nanoTime() - t0) / 1_000_000;
        await("everything in Wazzup", Duration.ofSeconds(120), () -> follower.alive() && allNamesArrived(contacts));
        long requests = journal("POST /v3/contacts");
        print("killed %s with %d of %d delivered (%d requests); %s led after %d ms; %d requests in all, %d more than 50",
                leader.name, deliveredAtKill, contacts, requestsBefore, follower.name, failoverMillis, requests, requests - 50);
        assertTrue("led within 10 s: " + failoverMillis + " ms", failoverMillis <= 10_000);
        assertTrue("killed in the middle: " + deliveredAtKill, deliveredAtKill < contacts);
        // the batch in flight at the kill is sent again (and one Wazzup accepted but the leader had not recorded)
        assertTrue("only the batch in flight again: " + (requests - 50) + " batches", requests - 50 <= 2);
        assertEquals("no 429", 0, tooMany());
    }

    // ---------------------------------------------------------------- 3

    /**
     * The leader is paused (SIGSTOP) in the middle of dispatch with a request's answer on its way; once the
     * other node has taken over, and while that one is still sending, the old leader is resumed (SIGCONT).
     * Each node reaches the emulator by an address of its own (the journal tells them apart by their Host),
     * and a trigger records which node (its connections' application name) commits to the tables only a
     * leader writes. The old leader sends nothing and commits nothing after it wakes.
     */
    @Test
    public void aPausedLeaderThatWakesUpAfterTheTakeoverSendsNothingAndCommitsNothing() throws Exception {
        int contacts = 3_000;
        cluster("fencing", contacts, "0.0.0.0");
        int port = wazzup.baseUrl().getPort();
        Node a = node("node-a").start(contacts, 0, false, Map.of("wazzup.child.emulator", "http://127.0.0.1:" + port));
        Node b = node("node-b").start(contacts, 0, false, Map.of("wazzup.child.emulator", "http://127.0.0.2:" + port));
        await("one leader seen by both nodes", Duration.ofSeconds(60), () -> a.alive() && b.alive() && a.leader() != null
                && a.leader().equals(b.leader()) && a.status().contains("node-b") && b.status().contains("node-a"));
        Node leader = a.leader().equals(a.name) ? a : b;
        Node follower = leader == a ? b : a;
        String leaderHost = (leader == a ? "127.0.0.1:" : "127.0.0.2:") + port;
        String followerHost = (leader == a ? "127.0.0.2:" : "127.0.0.1:") + port;
        try (Connection c = DriverManager.getConnection(jdbc, PostgresServer.USER, ""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE it_audit (app TEXT, tbl TEXT, op TEXT, at TIMESTAMPTZ DEFAULT clock_timestamp())");
            s.execute("CREATE FUNCTION it_audit() RETURNS trigger AS $$ BEGIN INSERT INTO it_audit (app, tbl, op)"
                    + " VALUES (current_setting('application_name'), TG_TABLE_NAME, TG_OP); RETURN NULL; END $$ LANGUAGE plpgsql");
            s.execute("CREATE TRIGGER it_audit_synced AFTER INSERT OR UPDATE ON wz_synced FOR EACH STATEMENT"
                    + " EXECUTE FUNCTION it_audit()");
            s.execute("CREATE TRIGGER it_audit_outbox AFTER DELETE ON wz_outbox FOR EACH STATEMENT EXECUTE FUNCTION it_audit()");
        }
        wazzup.faults().next("POST /v3/contacts", 1_000, Fault.delay(Duration.ofMillis(300)));
        for (int from = 0; from < contacts; from += 100) {
            assertEquals(200, follower.change(from, from + 100, "Pause", "event"));
        }
        await("some batches in Wazzup", Duration.ofSeconds(60), () -> leader.alive() && namedInWazzup("Pause") >= 500);
        leader.pause(); // SIGSTOP, past its lease
        long t0 = System.nanoTime();
        await("the other node leads", Duration.ofSeconds(30), () -> follower.name.equals(follower.leader()));
        long takeover = (System.nanoTime() - t0) / 1_000_000;
        await("the new leader sends", Duration.ofSeconds(30), () -> sentBy(followerHost, Instant.EPOCH) > 0);
        Instant woke = Instant.now();
        long leftAtWake = contacts - namedInWazzup("Pause");
        leader.resume(); // SIGCONT: it has an answer and a page of changes in hand, the outbox still holds work
        await("everything in Wazzup", Duration.ofSeconds(120), () -> follower.alive() && allNamesArrived(contacts)
                && count("SELECT COUNT(*) FROM wz_outbox") == 0);
        await("the old leader follows", Duration.ofSeconds(30), () -> leader.alive()
                && follower.name.equals(leader.leader()));
        long sentAfter = sentBy(leaderHost, woke);
        long commitsAfter = count("SELECT COUNT(*) FROM it_audit WHERE app = '" + leader.name + "' AND at > '" + woke + "'");
        print("%s paused; %s led after %d ms; %s woke with %d changes left, which %s sent (%d requests after); after it"
                + " woke %s made %d requests and %d commits to the leader's tables (before: %d and %d)", leader.name,
                follower.name, takeover, leader.name, leftAtWake, follower.name, sentBy(followerHost, woke), leader.name,
                sentAfter, commitsAfter, sentBy(leaderHost, Instant.EPOCH),
                count("SELECT COUNT(*) FROM it_audit WHERE app = '" + leader.name + "'"));
        assertTrue("work was left when it woke: " + leftAtWake, leftAtWake > 0);
        assertEquals("the woken leader sent nothing", 0, sentAfter);
        assertEquals("the woken leader committed nothing", 0, commitsAfter);
        assertTrue("it had committed before", count("SELECT COUNT(*) FROM it_audit WHERE app = '" + leader.name + "'") > 0);
    }

    /** Requests of the account that came through {@code host} after {@code since}. */
    private long sentBy(String host, Instant since) {
        return wazzup.journal().entries(e -> account.id().equals(e.accountId()) && host.equals(e.headers().get("host"))
                && e.time().isAfter(since)).size();
    }

    private long count(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbc, PostgresServer.USER, "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // ---------------------------------------------------------------- 4

    @Test
    public void messageWebhooksWithRepeatsOverBothNodesWithOneKilledHalfwayEachBecomeOneEvent() throws Exception {
        cluster("webhooks", 10);
        Node[] n = twoNodes(10, 0, false, Map.of());
        Node a = n[0];
        Node b = n[1];
        int messages = 1_000;
        int refused = 0;
        for (int i = 0; i < messages; i++) {
            String body = "{\"messages\":[{\"messageId\":\"m-" + i + "\",\"chatType\":\"whatsapp\",\"chatId\":\"7901"
                    + String.format("%07d", i) + "\",\"isEcho\":false,\"type\":\"text\",\"text\":\"hello " + i
                    + "\",\"status\":\"inbound\"}]}";
            Node first = i % 2 == 0 ? a : b;
            Node repeat = first == a ? b : a;
            if (i == messages / 2) {
                b.kill(); // halfway
            }
            for (Node to : List.of(first, repeat)) {
                // as Wazzup does: a delivery that fails is delivered again, here to the node that lives
                if (to.webhook(body) != 200) {
                    refused++;
                    assertEquals(200, a.webhook(body));
                }
            }
        }
        await("an event for every message", Duration.ofSeconds(90), () -> a.alive() && events(a, b).keySet().size() == messages);
        Map<String, Integer> events = events(a, b);
        long total = events.values().stream().mapToInt(Integer::intValue).sum();
        List<String> twice = events.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        print("%d messages, each delivered twice (%d deliveries refused by the killed node, delivered again): %d events in"
                + " all, on %s %d and on %s %d; more than one event: %s", messages, refused, total, a.name, events(a).size(),
                b.name, events(b).size(), twice);
        // the notification whose event was being delivered at the kill may come again from the other node
        assertTrue("each message one event (at most the one in flight at the kill twice): " + twice, twice.size() <= 1);
        assertTrue("the killed node had delivered some", events(b).size() > 0);
    }

    private static Map<String, Integer> events(Node... of) throws Exception {
        Map<String, Integer> out = new HashMap<>();
        for (Node n : of) {
            for (String line : n.logText().split("\n")) {
                if (line.startsWith("EVENT ")) {
                    out.merge(line.substring(6).strip(), 1, Integer::sum);
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- 7

    @Test
    public void aChangeRecordedInTheHostsTransactionIsSentOnlyIfCommittedEvenWhenTheJvmDiesRightAfterTheCommit()
            throws Exception {
        int contacts = 100;
        cluster("transactional", contacts);
        Node[] n = twoNodes(contacts, 0, false, Map.of());
        Node leader = n[0];
        Node follower = n[1];
        assertEquals(200, follower.change(0, 10, "RolledBack", "rollback"));
        assertEquals(200, follower.change(10, 20, "Committed", "tx"));
        await("the committed change in Wazzup", Duration.ofSeconds(30), () -> namedInWazzup("Committed") == 10);
        assertEquals("the rolled back change is not", 0, namedInWazzup("RolledBack"));
        assertEquals("nor in the CRM", "Client 5", nameInDb("c000005"));
        await("the outbox empty (what Wazzup accepted is recorded)", Duration.ofSeconds(30),
                () -> count("SELECT COUNT(*) FROM wz_outbox") == 0);

        // the only node dies right after the CRM's commit, before anything else could happen
        follower.kill();
        try {
            leader.change(20, 30, "Halted", "tx-halt");
        } catch (java.io.IOException expected) {
            // the JVM ended during the request
        }
        leader.process.waitFor();
        assertEquals("Halted 25", nameInDb("c000025"));
        long before = namedInWazzup("Halted");
        leader.start(contacts, 0, false, Map.of());
        await("the committed change after the restart", Duration.ofSeconds(60), () -> leader.alive()
                && namedInWazzup("Halted") == 10);
        print("rolled back: nothing sent; committed: sent; committed then the JVM halted: %d sent before, %d after the"
                + " restart", before, namedInWazzup("Halted"));
        assertEquals(0, before);
    }

    // ---------------------------------------------------------------- 6

    @Test
    public void anAccountConnectedByButtonOnOneNodeIsTheOtherNodesToo() throws Exception {
        int contacts = 20;
        cluster("wauth", contacts);
        EmulatorControl control = new EmulatorControl(wazzup.baseUrl().toString());
        String crmCode = "it-cluster-" + Long.toString(System.nanoTime(), 36);
        String wauthSecret = "it-cluster-wauth-secret-0123456789";
        Node a = node("node-a");
        Node b = node("node-b");
        String[] partner = control.createAccount();
        control.send("POST", "/__emulator/marketplace/integrations", EmulatorControl.json(Map.of("ownerAccountId", partner[0],
                "crmCode", crmCode, "secret", wauthSecret, "authRedirectUri", "http://127.0.0.1:" + a.port + "/wazzup/connect")));
        // no API key yet; the public address is node a's (a load balancer's, in production)
        Map<String, String> wauth = Map.of("wazzup.child.apiKey", "", "wazzup.child.config", "crmCode=" + crmCode
                + ";secret=" + wauthSecret + ";publicBaseUrl=http://127.0.0.1:" + a.port);
        a.start(contacts, 5, true, wauth);
        b.start(contacts, 5, true, wauth);
        await("both nodes up", Duration.ofSeconds(60), () -> a.alive() && b.alive() && a.leader() != null
                && a.leader().equals(b.leader()));
        URI hookB = URI.create("http://127.0.0.1:" + b.port + "/wazzup/webhook/" + SECRET);

        // connect by button on node a, as its administrator (u0)
        String state = control.send("POST", "/__emulator/marketplace/state", EmulatorControl.json(Map.of("crmCode", crmCode,
                "accountId", account.id()))).get("state").asText();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.port
                + "/wazzup/connect?state=" + java.net.URLEncoder.encode(state, java.nio.charset.StandardCharsets.UTF_8)))
                .header(ItSession.HEADER, "u0").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(page.body(), 200, page.statusCode());
        Matcher token = Pattern.compile("name=\"token\" value=\"([^\"]+)\"").matcher(page.body());
        assertTrue(page.body(), token.find());
        HttpResponse<String> done = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.port + "/wazzup/connect"))
                .header(ItSession.HEADER, "u0").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("state=" + java.net.URLEncoder.encode(state,
                        java.nio.charset.StandardCharsets.UTF_8) + "&token=" + java.net.URLEncoder.encode(token.group(1),
                        java.nio.charset.StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(done.body(), 200, done.statusCode());
        assertTrue(done.body(), done.body().contains("id=\"wazzup-connected\""));
        String crmKey = account.crmKey();
        assertTrue("Wazzup got a crmKey", crmKey != null && !crmKey.isEmpty());

        // node b takes the connection: it accepts webhooks only with the new crmKey
        await("node b wants the crmKey", Duration.ofSeconds(30), () -> b.alive() && post(hookB, null) == 401
                && post(hookB, crmKey) == 200);
        await("the initial sync with the new key", Duration.ofSeconds(60), () -> account.contacts().size() == contacts
                && account.deals().size() == 5);
        // node b alone: it leads and syncs with the new key
        a.kill();
        await("node b leads", Duration.ofSeconds(30), () -> b.name.equals(b.leader()));
        assertEquals(200, b.change(0, 20, "AfterConnect", "event"));
        await("node b's changes in the connected account", Duration.ofSeconds(60), () -> namedInWazzup("AfterConnect") == 20);
        print("connected by button on %s; %s took the key and the crmKey, accepted webhooks with the crmKey only, and"
                + " synced 20 changes after %s was gone", a.name, b.name, a.name);
        assertEquals("no webhook without the crmKey", 401, post(hookB, null));
    }

    private int post(URI hook, String crmKey) {
        try {
            HttpRequest.Builder r = HttpRequest.newBuilder(hook).timeout(Duration.ofSeconds(5))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"test\":true}"));
            if (crmKey != null) {
                r.header("Authorization", "Bearer " + crmKey);
            }
            return http.send(r.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
