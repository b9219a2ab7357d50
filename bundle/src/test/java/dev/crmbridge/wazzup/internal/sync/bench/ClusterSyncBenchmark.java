package dev.crmbridge.wazzup.internal.sync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.crmbridge.wazzup.api.IntegrationScheme;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.internal.client.RateLimiters;
import dev.crmbridge.wazzup.internal.config.TestRuntime;
import dev.crmbridge.wazzup.internal.store.Postgres;
import dev.crmbridge.wazzup.internal.sync.PhoneRules;
import dev.crmbridge.wazzup.internal.sync.SyncSettings;
import dev.crmbridge.wazzup.internal.sync.TestDirectoryAccess;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Benchmark, not a test: the initial sync of the same host (100,000 contacts and 20,000 deals by
 * default) twice in one run, each against a fresh standalone emulator with Wazzup's 500 requests / 5 s
 * limit on: first one node on the embedded H2 store, then two nodes (two runtimes, each with its own
 * HikariCP pool) joined on a PostgreSQL database of the machine's own server. Prints each run's
 * requests, 429s and elapsed time against the floor the rate budget sets, and the cluster's ratio to
 * the single node's. Rounds alternate the order after a warm-up; the medians are the figures.
 *
 * <p>Run: {@code bin/bench-sync [contacts] [deals] cluster}.
 */
final class ClusterSyncBenchmark {

    private static final String KEY = "bench0000000000000000000000000001";

    private ClusterSyncBenchmark() {
    }

    /** One run's figures. */
    record Result(String label, double elapsed, double firstRequest, long requests, long limited, long contacts, long deals, int leaders) {
        double floor() {
            return requests / (RateLimiters.DEFAULT_BUDGET / 5.0);
        }

        double ratio() {
            return elapsed / floor();
        }
    }

    interface Nodes {
        List<TestRuntime> start(URI base) throws Exception;
    }

    static void run(int contacts, int deals) throws Exception {
        SyncSettings sync = new SyncSettings(IntegrationScheme.CLIENT_MANAGEMENT, Duration.ofMillis(500),
                Duration.ofSeconds(60), Duration.ZERO, true, true, PhoneRules.NONE, "bench");
        DataSource db = Postgres.database("bench_sync");
        List<HikariDataSource> pools = new ArrayList<>();
        // rounds alternate the order, after a warm-up of both at a tenth of the size, so that neither
        // side has the warmer JVM: BENCH_ROUNDS (default 3)
        int rounds = Integer.parseInt(System.getenv().getOrDefault("BENCH_ROUNDS", "3"));
        List<double[]> figures = new ArrayList<>();
        try {
            CrmDirectory small = TestDirectoryAccess.generated(20, 3, contacts / 10, deals / 10);
            measure("warm-up, one node", one(sync, small));
            measure("warm-up, two nodes", two(sync, small, db, pools));
            CrmDirectory crm = TestDirectoryAccess.generated(20, 3, contacts, deals);
            System.out.printf("host: 20 users, 3 pipelines, %d contacts, %d deals; %d rounds%n", contacts, deals, rounds);
            for (int round = 1; round <= rounds; round++) {
                boolean clusterFirst = round % 2 == 0;
                Result single;
                Result cluster;
                if (clusterFirst) {
                    cluster = measure("two nodes, PostgreSQL", two(sync, crm, db, pools));
                    single = measure("one node, embedded H2", one(sync, crm));
                } else {
                    single = measure("one node, embedded H2", one(sync, crm));
                    cluster = measure("two nodes, PostgreSQL", two(sync, crm, db, pools));
                }
                System.out.printf("round %d (%s first)%n", round, clusterFirst ? "the cluster" : "the single node");
                for (Result r : List.of(single, cluster)) {
                    System.out.printf("  %-22s Wazzup holds %d contacts, %d deals; requests %d, 429s %d; elapsed %.2f s"
                            + " (first request at %.2f s), floor %.2f s, ratio %.3f; nodes leading at the end: %d%n",
                            r.label(), r.contacts(), r.deals(), r.requests(), r.limited(), r.elapsed(), r.firstRequest(),
                            r.floor(), r.ratio(), r.leaders());
                }
                double q = cluster.ratio() / single.ratio();
                System.out.printf("  cluster / single ratio to the floor: %.3f%n", q);
                figures.add(new double[] {single.ratio(), cluster.ratio(), q});
            }
        } finally {
            pools.forEach(HikariDataSource::close);
        }
        System.out.printf("median over %d rounds: single %.3f, cluster %.3f, cluster / single %.3f (target <= 1.05)%n",
                rounds, median(figures, 0), median(figures, 1), median(figures, 2));
    }

    private static double median(List<double[]> figures, int i) {
        double[] v = figures.stream().mapToDouble(f -> f[i]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static Nodes one(SyncSettings sync, CrmDirectory crm) {
        return base -> {
            Path dir = Files.createTempDirectory("wazzup-bench");
            return List.of(TestRuntime.builder().wazzup(base, KEY).sync(sync).directory(() -> crm).store(dir.toFile())
                    .retries(TestRuntime.ENGINE_RETRIES).start());
        };
    }

    /** Two nodes on a fresh schema of {@code db} (the last run's tables dropped), each with its own pool. */
    private static Nodes two(SyncSettings sync, CrmDirectory crm, DataSource db, List<HikariDataSource> pools) {
        return base -> {
            pools.forEach(HikariDataSource::close); // the last run's nodes are stopped
            try (java.sql.Connection c = db.getConnection(); java.sql.Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA public CASCADE");
                st.execute("CREATE SCHEMA public");
            }
            List<TestRuntime> nodes = new ArrayList<>();
            // BENCH_PG_NODES=1: one node on PostgreSQL, to tell the database's cost from the cluster's
            int count = Integer.parseInt(System.getenv().getOrDefault("BENCH_PG_NODES", "2"));
            for (String node : List.of("n1", "n2").subList(0, count)) {
                HikariConfig hc = new HikariConfig();
                hc.setDataSource(Postgres.dataSource(Postgres.url(db)));
                hc.setMaximumPoolSize(10);
                hc.setPoolName(node + "-" + pools.size());
                HikariDataSource pool = new HikariDataSource(hc);
                pools.add(pool);
                nodes.add(TestRuntime.builder().wazzup(base, KEY).sync(sync).directory(() -> crm).store(pool)
                        .node(node, Duration.ofSeconds(6)).retries(TestRuntime.ENGINE_RETRIES).start());
            }
            return nodes;
        };
    }

    private static Result measure(String label, Nodes nodes) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process emulator = SyncBenchmark.startEmulator(port, KEY, "target/bench-emulator-" + port + ".log");
        URI base = URI.create("http://127.0.0.1:" + port);
        HttpClient http = HttpClient.newHttpClient();
        List<TestRuntime> started = List.of();
        try {
            SyncBenchmark.waitFor(http, base);
            http.send(HttpRequest.newBuilder(base.resolve("/__emulator/options")).PUT(HttpRequest.BodyPublishers
                    .ofString("{\"journalCapacity\": 20000, \"journalBodyLimit\": 0}")).build(),
                    HttpResponse.BodyHandlers.discarding());
            started = nodes.start(base);
            long t0 = started.stream().mapToLong(r -> r.startedNanos).min().orElseThrow();
            // done when the initial sync is complete and nothing is pending on any node (a shared store:
            // every node sees the same); checked rarely, so as not to slow the sync down
            while (started.stream().anyMatch(r -> !r.status.initialSyncComplete()
                    || r.status.entities().values().stream().mapToLong(e -> e.pending()).sum() > 0)) {
                Thread.sleep(100);
            }
            double elapsed = (System.nanoTime() - t0) / 1e9;
            long requests = 0;
            for (String route : new String[] {"POST /v3/users", "POST /v3/pipelines", "POST /v3/contacts", "POST /v3/deals"}) {
                requests += SyncBenchmark.count(http, base, route);
            }
            long limited = 0;
            java.time.Instant wallStart = java.time.Instant.now().minusNanos(System.nanoTime() - t0);
            double first = Double.NaN;
            List<Double> at = new ArrayList<>();
            for (JsonNode e : SyncBenchmark.get(http, base, "/__emulator/journal")) {
                if (e.get("route").asText().startsWith("POST /v3/")) {
                    at.add(Duration.between(wallStart, java.time.Instant.parse(e.get("time").asText())).toNanos() / 1e9);
                }
                if (e.get("status").asInt() == 429) {
                    limited++;
                }
                if (e.get("route").asText().startsWith("POST /v3/") && Double.isNaN(first)) {
                    first = Duration.between(wallStart, java.time.Instant.parse(e.get("time").asText())).toNanos() / 1e9;
                }
            }
            if (System.getenv("BENCH_TRACE") != null) {
                StringBuilder gaps = new StringBuilder();
                for (int i = 1; i < at.size(); i++) {
                    if (at.get(i) - at.get(i - 1) > 0.2) {
                        gaps.append(String.format(" [#%d %.2f..%.2f]", i, at.get(i - 1), at.get(i)));
                    }
                }
                System.out.printf("  %s: %d posts, first %.2f, last %.2f, pauses over 0.2 s:%s%n", label, at.size(),
                        at.get(0), at.get(at.size() - 1), gaps);
            }
            int leaders = (int) started.stream().filter(r -> r.storage.leadership().term() != null).count();
            JsonNode state = SyncBenchmark.get(http, base, "/__emulator/accounts/demo");
            return new Result(label, elapsed, first, requests, limited, state.get("contacts").size(),
                    state.get("deals").size(), leaders);
        } finally {
            started.forEach(TestRuntime::stop);
            emulator.destroy();
        }
    }
}
