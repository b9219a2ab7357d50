package dev.crmbridge.wazzup.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.internal.client.RateLimiter;
import dev.crmbridge.wazzup.internal.client.TimeSource;
import dev.crmbridge.wazzup.internal.store.Fence;
import dev.crmbridge.wazzup.internal.store.FencedException;
import dev.crmbridge.wazzup.internal.store.InboxItem;
import dev.crmbridge.wazzup.internal.store.InboxRow;
import dev.crmbridge.wazzup.internal.store.OutboxRow;
import dev.crmbridge.wazzup.internal.store.Postgres;
import dev.crmbridge.wazzup.internal.store.Schema;
import dev.crmbridge.wazzup.internal.store.Store;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The cluster's foundations on a real PostgreSQL: nodes are stores on DataSources of their own (their own
 * connections), as separate JVMs would have. Schema creation by nodes starting at once, the lease and its
 * fencing, and the shared outbox and inbox under concurrent nodes.
 */
class ClusterTest {

    private final List<AutoCloseable> open = new ArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void close() throws Exception {
        Collections.reverse(open);
        for (AutoCloseable c : open) {
            c.close();
        }
        pool.shutdownNow();
    }

    private static Store node(String url) {
        return new Store(Postgres.dataSource(url), "default");
    }

    private static String database(String name) {
        return Postgres.url(Postgres.database(name));
    }

    @Test
    void nodesStartingAtOnceOnAnEmptyDatabaseMakeOneSchemaWithoutAnError() throws Exception {
        String url = database("cluster_start");
        int nodes = 6;
        CyclicBarrier together = new CyclicBarrier(nodes);
        List<Future<?>> started = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            Store s = node(url);
            started.add(pool.submit(() -> {
                together.await();
                s.migrate();
                return null;
            }));
        }
        for (Future<?> f : started) {
            f.get(); // an error of any node fails here
        }
        Store one = node(url);
        one.jdbc().tx("check", c -> {
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT val FROM wz_meta WHERE name = 'schema.version'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(Integer.toString(Schema.VERSION));
                assertThat(rs.next()).as("one version row").isFalse();
            }
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT COUNT(*) FROM information_schema.tables WHERE table_name LIKE 'wz\\_%'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("tables").isEqualTo(13);
            }
            return null;
        });
        one.migrate(); // and again: nothing to do
    }

    @Test
    void oneNodeLeadsAndWhenItStopsRenewingAnotherTakesOverWithAHigherTokenAndTheOldTermCommitsNothing() {
        String url = database("cluster_lease");
        Store a = node(url);
        a.migrate();
        Store b = node(url);
        Duration lease = Duration.ofSeconds(2);
        Cluster ca = join(a, "node-a", lease);
        Leadership la = ca.leadership("default");
        await().atMost(Duration.ofSeconds(5)).until(() -> la.term() != null);
        Cluster cb = join(b, "node-b", lease);
        Leadership lb = cb.leadership("default");
        Fence.Term termA = la.term();
        assertThat(lb.term()).as("b follows while a renews").isNull();
        await().atMost(Duration.ofSeconds(5)).until(() -> lb.leader() != null);
        assertThat(lb.leader().node()).isEqualTo("node-a");
        long tokenA = la.leader().token();

        // a leader's commits go through while it leads
        Fence fenceA = new Fence("node a's runtime").whileLeading(termA);
        Store fencedA = a.fenced(fenceA);
        fencedA.meta().put("probe", "a");

        ca.pause(); // a stops renewing without giving the lease up: a paused or cut-off node
        long t0 = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).until(() -> lb.term() != null);
        long tookMillis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(lb.leader().node()).isEqualTo("node-b");
        assertThat(lb.leader().token()).as("the token goes up with the holder").isEqualTo(tokenA + 1);
        assertThat(tookMillis).as("taken over within the lease and a renewal").isLessThan(lease.toMillis() + 2_000);

        // node a's term is over by its own clock, and its commits are refused
        assertThat(termA.valid()).isFalse();
        assertThatThrownBy(() -> fencedA.meta().put("probe", "a again")).isInstanceOf(FencedException.class);
        assertThat(a.meta().get("probe")).isEqualTo("a");

        // even a commit that got past the node's own clock meets the database's check
        assertThatThrownBy(() -> a.jdbc().tx("a stale leader's write", c -> {
            c.createStatement().executeUpdate("UPDATE wz_meta SET val = 'stale' WHERE name = 'default:probe'");
            termA.verify(c);
            return null;
        })).isInstanceOf(FencedException.class);
        assertThat(a.meta().get("probe")).isEqualTo("a");

        Store fencedB = b.fenced(new Fence("node b's runtime").whileLeading(lb.term()));
        fencedB.meta().put("probe", "b");
        assertThat(a.meta().get("probe")).isEqualTo("b");

        ca.resume(); // a wakes up: it follows
        await().atMost(Duration.ofSeconds(5)).until(() -> la.leader() != null && la.leader().node().equals("node-b"));
        assertThat(la.term()).isNull();
    }

    @Test
    void aNodeThatStopsGivesTheLeadUpAtOnce() {
        String url = database("cluster_release");
        Store a = node(url);
        a.migrate();
        Duration lease = Duration.ofSeconds(30);
        Cluster ca = join(a, "node-a", lease);
        Leadership la = ca.leadership("default");
        await().atMost(Duration.ofSeconds(5)).until(() -> la.term() != null);
        Cluster cb = join(node(url), "node-b", lease);
        Leadership lb = cb.leadership("default");
        ca.close();
        await("well before the lease of 30 s ends").atMost(Duration.ofSeconds(15)).until(() -> lb.term() != null);
    }

    @Test
    void twoNodesClaimingTheInboxAtOnceShareItEachNotificationClaimedOnce() throws Exception {
        String url = database("cluster_inbox");
        Store a = node(url);
        a.migrate();
        Store b = node(url);
        Cluster ca = join(a, "node-a", Duration.ofSeconds(10));
        Cluster cb = join(b, "node-b", Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(5)).until(() -> ca.member() && cb.member());
        List<InboxItem> items = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            items.add(InboxItem.of("m:" + i, "message", "{\"messageId\":\"m" + i + "\"}"));
        }
        int stored = a.jdbc().tx("store", c -> a.inbox().add(c, items, 1_000));
        assertThat(stored).isEqualTo(500);

        Set<Long> claimedA = ConcurrentHashMap.newKeySet();
        Set<Long> claimedB = ConcurrentHashMap.newKeySet();
        CyclicBarrier together = new CyclicBarrier(2);
        Future<Integer> fa = pool.submit(drain(a, "node-a", claimedA, together));
        Future<Integer> fb = pool.submit(drain(b, "node-b", claimedB, together));
        int na = fa.get();
        int nb = fb.get();
        assertThat(na + nb).isEqualTo(500);
        assertThat(claimedA).doesNotContainAnyElementsOf(claimedB);
        assertThat(na).as("both nodes took a share").isPositive();
        assertThat(nb).as("both nodes took a share").isPositive();
        assertThat(a.inbox().count('P')).isZero();
    }

    private static Callable<Integer> drain(Store s, String node, Set<Long> claimed, CyclicBarrier together) {
        return () -> {
            together.await();
            int n = 0;
            while (true) {
                List<InboxRow> rows = s.inbox().claim(node, 50, 2_000, 10_000, false);
                if (rows.isEmpty()) {
                    return n;
                }
                for (InboxRow r : rows) {
                    assertThat(claimed.add(r.seq())).as("claimed once by " + node).isTrue();
                    s.inbox().done(List.of(r.seq())); // delivered, one by one
                    n++;
                }
            }
        };
    }

    @Test
    void theNotificationsOfANodeThatWentAwayAreClaimedByAnotherOnceItsMembershipLapsed() {
        String url = database("cluster_orphans");
        Store a = node(url);
        a.migrate();
        Store b = node(url);
        Cluster ca = join(a, "node-a", Duration.ofSeconds(1));
        await().atMost(Duration.ofSeconds(5)).until(ca::member);
        a.jdbc().tx("store", c -> a.inbox().add(c, List.of(InboxItem.of("m:1", "message", "{}"),
                InboxItem.of("m:2", "message", "{}")), 1_000));
        assertThat(a.inbox().claim("node-a", 50, 2_000, 1_000, false)).hasSize(2);
        assertThat(b.inbox().claim("node-b", 50, 2_000, 1_000, false)).as("node a lives: its claims hold").isEmpty();
        ca.pause();
        await().atMost(Duration.ofSeconds(5)).until(() -> !b.inbox().claim("node-b", 50, 2_000, 1_000, false).isEmpty());
    }

    @Test
    void nodesRecordingTheSameEntitiesAtOnceLoseNoChangeAndMeetNoKeyViolation() throws Exception {
        String url = database("cluster_outbox");
        Store a = node(url);
        a.migrate();
        Store b = node(url);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ids.add("c" + i);
        }
        CyclicBarrier together = new CyclicBarrier(2);
        List<Future<?>> writers = new ArrayList<>();
        for (Store s : List.of(a, b)) {
            writers.add(pool.submit(() -> {
                together.await();
                for (int round = 0; round < 20; round++) {
                    s.outbox().enqueue(EntityType.CONTACT, ids, OutboxRow.Op.SAVE, 1_000 + round);
                }
                return null;
            }));
        }
        for (Future<?> f : writers) {
            f.get();
        }
        List<OutboxRow> rows = a.outbox().all();
        assertThat(rows).hasSize(200);
        assertThat(rows).allSatisfy(r -> assertThat(r.seq()).as("every change counted").isEqualTo(40));
    }

    @Test
    void aRepeatedNotificationStoredByTwoNodesAtOnceIsStoredOnce() throws Exception {
        String url = database("cluster_repeats");
        Store a = node(url);
        a.migrate();
        Store b = node(url);
        List<InboxItem> items = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            items.add(InboxItem.of("m:" + i, "message", "{}"));
        }
        CyclicBarrier together = new CyclicBarrier(2);
        Future<Integer> fa = pool.submit(() -> {
            together.await();
            return a.jdbc().tx("store", c -> a.inbox().add(c, items, 1_000));
        });
        Future<Integer> fb = pool.submit(() -> {
            together.await();
            return b.jdbc().tx("store", c -> b.inbox().add(c, items, 1_000));
        });
        assertThat(fa.get() + fb.get()).as("each stored by one of them").isEqualTo(500);
        assertThat(a.inbox().count('P')).isEqualTo(500);
    }

    @Test
    void aSignalOfOneNodeReachesTheOthersAtOnceButNotItselfNorAnotherAccount() throws Exception {
        String url = database("cluster_signals");
        Signals a = new Signals(Postgres.dataSource(url), "default", "node-a");
        Signals b = new Signals(Postgres.dataSource(url), "default", "node-b");
        Signals other = new Signals(Postgres.dataSource(url), "another", "node-c");
        open.add(a);
        open.add(b);
        open.add(other);
        java.util.concurrent.atomic.AtomicInteger heardByA = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger heardByB = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger heardByOther = new java.util.concurrent.atomic.AtomicInteger();
        a.on(Signals.Kind.COUNTERS, heardByA::incrementAndGet);
        b.on(Signals.Kind.COUNTERS, heardByB::incrementAndGet);
        other.on(Signals.Kind.COUNTERS, heardByOther::incrementAndGet);
        a.start();
        b.start();
        other.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> a.listening() && b.listening() && other.listening());
        long t0 = System.nanoTime();
        a.send(Signals.Kind.COUNTERS);
        await().atMost(Duration.ofSeconds(1)).until(() -> heardByB.get() == 1);
        System.out.printf("a signal took %.1f ms%n", (System.nanoTime() - t0) / 1e6);
        b.send(Signals.Kind.OUTBOX); // nobody listens for it here
        b.send(Signals.Kind.COUNTERS);
        await().atMost(Duration.ofSeconds(1)).until(() -> heardByA.get() == 1);
        assertThat(heardByB.get()).as("not its own").isEqualTo(1);
        assertThat(heardByOther.get()).as("another account's node").isZero();
    }

    @Test
    void theNodesAnnounceTheirDemandsThroughTheTableAndAFollowerGetsItsShareOnlyAfterTheLeaderGaveWay()
            throws Exception {
        String url = database("cluster_budget");
        Store a = node(url);
        a.migrate();
        Store b = node(url);
        Duration lease = Duration.ofMillis(1_200);
        Cluster ca = join(a, "node-a", lease);
        Leadership la = ca.leadership("default");
        await().atMost(Duration.ofSeconds(5)).until(() -> la.term() != null);
        Cluster cb = join(b, "node-b", lease);
        Leadership lb = cb.leadership("default");
        // a short window, so that a raise (a renewal, the leader's renewal, a window) fits a quick test
        Duration window = Duration.ofMillis(500);
        RateLimiter keyA = new RateLimiter(450, window, TimeSource.SYSTEM);
        RateLimiter chatA = new RateLimiter(90, window, TimeSource.SYSTEM);
        RateLimiter keyB = new RateLimiter(450, window, TimeSource.SYSTEM);
        RateLimiter chatB = new RateLimiter(90, window, TimeSource.SYSTEM);
        open.add(BudgetShares.follow(ca, la, keyA, chatA, 450, 20)::run);
        open.add(BudgetShares.follow(cb, lb, keyB, chatB, 450, 20)::run);

        // b is idle: it asks for its floor, and the leader reads it and syncs with all but that and one request
        await().atMost(Duration.ofSeconds(5)).until(() -> keyA.limit() == 444 && keyB.limit() == 5);
        assertThat(wants(ca)).containsEntry("node-b", 5);

        // managers use b's chat: it is turned away, asks for its share, and gets it after a gave way
        long t0 = System.nanoTime();
        while (chatB.tryAcquire(Duration.ZERO)) {
            // the floor used up
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> wants(ca).get("node-b") == 45);
        assertThat(keyB.limit()).as("not before the leader read the demand and a window passed").isEqualTo(5);
        await().atMost(Duration.ofSeconds(5)).until(() -> keyB.limit() == 45);
        long tookMillis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(keyA.limit()).as("the leader gave way first").isEqualTo(404);
        assertThat(tookMillis).as("the raise waits for a window after the leader's renewal")
                .isGreaterThanOrEqualTo(keyB.window().toMillis());
    }

    @Test
    void aNodeRunningWithAnotherApiKeyIsNamedByTheOthers() {
        String url = database("cluster_keys");
        Store a = node(url);
        a.migrate();
        Cluster ca = join(a, "node-a", Duration.ofSeconds(3));
        Cluster cb = join(node(url), "node-b", Duration.ofSeconds(3));
        Cluster cc = join(node(url), "node-c", Duration.ofSeconds(3));
        ca.announceKey("k1");
        cb.announceKey("k1");
        await().atMost(Duration.ofSeconds(5)).until(() -> ca.lastNodes().size() == 3 && ca.lastNodes().stream()
                .filter(n -> "k1".equals(n.keyDigest())).count() == 2);
        assertThat(ca.otherKeys("k1")).as("node c has not said which key").isEmpty();
        cc.announceKey("k2");
        await().atMost(Duration.ofSeconds(5)).until(() -> ca.otherKeys("k1").equals(List.of("node-c")));
        await().atMost(Duration.ofSeconds(5)).until(() -> cc.otherKeys("k2").equals(List.of("node-a", "node-b")));
        await().atMost(Duration.ofSeconds(5)).until(() -> cb.otherKeys("k1").equals(List.of("node-c")));
    }

    private static java.util.Map<String, Integer> wants(Cluster c) {
        java.util.Map<String, Integer> out = new java.util.HashMap<>();
        for (var n : c.nodes()) {
            out.put(n.node(), n.chatWant());
        }
        return out;
    }

    private Cluster join(Store s, String node, Duration lease) {
        Cluster c = Cluster.join(s, new Cluster.Settings(node, "test", lease));
        open.add(c);
        return c;
    }

    static Set<String> set(String... s) {
        return new HashSet<>(List.of(s));
    }
}
