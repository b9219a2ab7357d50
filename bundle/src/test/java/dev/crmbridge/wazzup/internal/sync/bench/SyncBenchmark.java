package dev.crmbridge.wazzup.internal.sync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crmbridge.wazzup.api.IntegrationScheme;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.internal.client.RateLimiters;
import dev.crmbridge.wazzup.api.sync.SyncStatus;
import dev.crmbridge.wazzup.internal.config.TestRuntime;
import dev.crmbridge.wazzup.internal.sync.PhoneRules;
import dev.crmbridge.wazzup.internal.sync.SyncSettings;
import dev.crmbridge.wazzup.internal.sync.TestDirectoryAccess;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark, not a test: the initial sync of a host with 100,000 contacts and 20,000 deals (20 users,
 * 3 pipelines) against the standalone emulator in its own JVM with Wazzup's 500 requests / 5 s limit
 * on. Prints the requests per type, 429s, elapsed time against the floor the rate budget sets, and the
 * heap the sync used above the host's own data.
 *
 * <p>Run: {@code bin/bench-sync [contacts] [deals]}; {@code bin/bench-sync [contacts] [deals] cluster}: the same
 * sync by two nodes on PostgreSQL against one node on H2, in one run ({@link ClusterSyncBenchmark}).
 */
public final class SyncBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SyncBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int contacts = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int deals = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        // "reconcile": after the initial sync, a reconciliation of the unchanged host against a Wazzup
        // whose listings differ from what was sent in form only (the emulator's variedListings)
        boolean reconcile = args.length > 2 && args[2].equals("reconcile");
        if (args.length > 2 && args[2].equals("cluster")) {
            ClusterSyncBenchmark.run(contacts, deals);
            return;
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String key = "bench0000000000000000000000000001";
        Process emulator = startEmulator(port, key, "target/bench-emulator.log");
        URI base = URI.create("http://127.0.0.1:" + port);
        HttpClient http = HttpClient.newHttpClient();
        try {
            waitFor(http, base);
            get(http, base, "/__emulator/options"); // warm the route
            http.send(HttpRequest.newBuilder(base.resolve("/__emulator/options")).PUT(HttpRequest.BodyPublishers
                    .ofString("{\"journalCapacity\": 20000, \"journalBodyLimit\": 0}")).build(), HttpResponse.BodyHandlers.discarding());

            CrmDirectory crm = TestDirectoryAccess.generated(20, 3, contacts, deals);
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            System.gc();
            long baseline = memory.getHeapMemoryUsage().getUsed();
            AtomicLong peak = new AtomicLong(baseline);
            // the live heap: what a full GC leaves, sampled every 2 s during the sync
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        Thread.sleep(5_000);
                    } catch (InterruptedException e) {
                        return;
                    }
                    System.gc();
                    peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                }
            });
            sampler.setDaemon(true);

            Path dir = Files.createTempDirectory("wazzup-bench");
            // wired as the component wires it (ConnectorRuntime); the client with the component's retries
            TestRuntime runtime = TestRuntime.builder().wazzup(base, key)
                    .sync(new SyncSettings(IntegrationScheme.CLIENT_MANAGEMENT, Duration.ofMillis(500),
                            Duration.ofSeconds(60), Duration.ZERO, true, true, PhoneRules.NONE, "bench"))
                    .directory(() -> crm).store(dir.toFile()).retries(TestRuntime.ENGINE_RETRIES).start();
            SyncStatus status = runtime.status;
            sampler.start();
            long t0 = runtime.startedNanos;
            // done when the initial sync is complete and nothing is pending; checked cheaply and rarely,
            // so that the measurement does not slow the sync down
            while (!status.initialSyncComplete() || status.entities().values().stream().mapToLong(s -> s.pending()).sum() > 0) {
                Thread.sleep(100);
            }
            double elapsed = (System.nanoTime() - t0) / 1e9;
            java.time.Instant wallStart = java.time.Instant.now().minusNanos(System.nanoTime() - t0);
            long syncedInStore = status.entities().values().stream().mapToLong(s -> s.synced()).sum();

            long users = count(http, base, "POST /v3/users");
            long pipes = count(http, base, "POST /v3/pipelines");
            long cs = count(http, base, "POST /v3/contacts");
            long ds = count(http, base, "POST /v3/deals");
            long limited = 0;
            // where the time went: when the first and last request of each type started, and the pauses
            java.util.Map<String, double[]> spans = new java.util.LinkedHashMap<>();
            double last = -1;
            double gaps = 0;
            int gapCount = 0;
            for (JsonNode e : get(http, base, "/__emulator/journal")) {
                if (e.get("status").asInt() == 429) {
                    limited++;
                }
                double at = Duration.between(wallStart, java.time.Instant.parse(e.get("time").asText())).toNanos() / 1e9;
                String route = e.get("route").asText();
                if (route.startsWith("POST /v3/")) {
                    spans.computeIfAbsent(route.substring(9), r -> new double[] {at, at})[1] = at;
                    if (last >= 0 && at - last > 0.1) {
                        if (System.getenv("BENCH_GAPS") != null) {
                            System.out.printf("pause %.2f s before %s at %.2f s%n", at - last, route, at);
                        }
                        gaps += at - last;
                        gapCount++;
                    }
                    last = at;
                }
            }
            // the initial sync's requests are counted above; the reconciliation's after clearing the journal
            String reconciled = reconcile ? reconcile(http, base, runtime) : null;
            sampler.interrupt();
            runtime.stop();
            System.gc();
            long retained = memory.getHeapMemoryUsage().getUsed() - baseline;
            StringBuilder timeline = new StringBuilder();
            spans.forEach((r, span) -> timeline.append(String.format(" %s %.2f–%.2f s;", r, span[0], span[1])));
            JsonNode state = get(http, base, "/__emulator/accounts/demo");
            long requests = users + pipes + cs + ds;
            double budgetPerSecond = RateLimiters.DEFAULT_BUDGET / 5.0;
            double floor = requests / budgetPerSecond;
            System.out.printf("host: 20 users, 3 pipelines, %d contacts, %d deals%n", contacts, deals);
            System.out.printf("Wazzup holds: %d users, %d pipelines, %d contacts, %d deals%n", state.get("users").size(),
                    state.get("pipelines").size(), state.get("contacts").size(), state.get("deals").size());
            System.out.printf("requests: users=%d pipelines=%d contacts=%d deals=%d all=%d; 429s=%d%n", users, pipes, cs, ds,
                    requests, limited);
            System.out.printf("elapsed %.2f s; floor (requests / budget of %d per 5 s) %.2f s; ratio %.3f%n", elapsed,
                    RateLimiters.DEFAULT_BUDGET, floor, elapsed / floor);
            System.out.printf("timeline (request starts after the runtime started):%s pauses over 100 ms between requests: %d, %.2f s%n",
                    timeline, gapCount, gaps);
            System.out.printf("synced per the store: %d%n", syncedInStore);
            if (reconciled != null) {
                System.out.println(reconciled);
            }
            System.out.printf("live heap: baseline (host data) %d MB; peak during sync +%d MB; retained after +%d MB%n",
                    baseline >> 20, (peak.get() - baseline) >> 20, retained >> 20);
        } finally {
            emulator.destroy();
        }
    }

    /** A reconciliation of the unchanged host against varied listings; answers its figures. */
    private static String reconcile(HttpClient http, URI base, TestRuntime runtime) throws Exception {
        http.send(HttpRequest.newBuilder(base.resolve("/__emulator/options")).PUT(HttpRequest.BodyPublishers
                .ofString("{\"variedListings\": true}")).build(), HttpResponse.BodyHandlers.discarding());
        http.send(HttpRequest.newBuilder(base.resolve("/__emulator/journal")).DELETE().build(),
                HttpResponse.BodyHandlers.discarding());
        var meta = runtime.runtime.storage().store().meta();
        String before = meta.get("reconcile.last"); // Reconciler.LAST
        long t0 = System.nanoTime();
        runtime.status.resyncAll();
        while (java.util.Objects.equals(before, meta.get("reconcile.last"))
                || runtime.status.entities().values().stream().mapToLong(s -> s.pending()).sum() > 0) {
            Thread.sleep(100);
        }
        double took = (System.nanoTime() - t0) / 1e9;
        StringBuilder out = new StringBuilder(String.format("reconcile (variedListings on): %.2f s;", took));
        long all = 0;
        for (String route : new String[] {"GET /v3/users", "GET /v3/pipelines", "GET /v3/contacts", "GET /v3/deals",
                "POST /v3/users", "POST /v3/pipelines", "POST /v3/contacts", "POST /v3/deals",
                "PATCH /v3/contacts/bulk_delete", "PATCH /v3/deals/bulk_delete"}) {
            long n = count(http, base, route);
            all += n;
            out.append(' ').append(route).append('=').append(n);
        }
        return out.append("; all=").append(all).toString();
    }

    /** The standalone emulator in a JVM of its own, for account {@code key}, its output to {@code log}. */
    static Process startEmulator(int port, String key, String log) throws java.io.IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g",
                "-jar", "emulator/target/wazzup-emulator.jar", "--port", Integer.toString(port), "--api-key", key)
                .redirectErrorStream(true).redirectOutput(new File(log)).start();
    }

    static long count(HttpClient http, URI base, String route) throws Exception {
        return get(http, base, "/__emulator/journal?route=" + java.net.URLEncoder.encode(route, "UTF-8")).size();
    }

    static JsonNode get(HttpClient http, URI base, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    static void waitFor(HttpClient http, URI base) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                get(http, base, "/__emulator/health");
                return;
            } catch (java.io.IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
