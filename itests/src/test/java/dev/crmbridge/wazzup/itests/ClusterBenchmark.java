package dev.crmbridge.wazzup.itests;

import dev.crmbridge.wazzup.emulator.EmulatorOptions;
import dev.crmbridge.wazzup.emulator.Fault;
import dev.crmbridge.wazzup.testdb.PostgresServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Benchmarks, not tests, of a cluster of two CRM nodes (Felix frameworks in JVMs of their own) on a real
 * PostgreSQL with one emulator ({@link ClusterNodes}):
 *
 * <ul>
 *   <li>{@code webhooks [connections per node] [seconds] [rate]}: {@code messages} webhooks posted by two
 *       wrk processes at once, one per node, as fast as they are answered or at {@code rate} per second in
 *       all (an open load, half on each node); the rate reached, each node's latency percentiles, and that
 *       every webhook stored became exactly one event in the cluster (counted on both nodes).</li>
 *   <li>{@code failover [kills] [changes per kill]}: the leader SIGKILLed while it dispatches, that many
 *       times (the killed node started again each time); how long until the other node leads, and that
 *       every change reached Wazzup in the end.</li>
 * </ul>
 *
 * <p>Run: {@code bin/bench-cluster webhooks 32 30 3000}, {@code bin/bench-cluster failover 10}.
 */
public final class ClusterBenchmark {

    private ClusterBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "webhooks";
        try (PostgresServer postgres = PostgresServer.start(Path.of("target/pg-bench-cluster"))) {
            if (mode.equals("failover")) {
                failover(postgres, args.length > 1 ? Integer.parseInt(args[1]) : 10,
                        args.length > 2 ? Integer.parseInt(args[2]) : 500);
            } else {
                webhooks(postgres, args.length > 1 ? Integer.parseInt(args[1]) : 32,
                        args.length > 2 ? Integer.parseInt(args[2]) : 30, args.length > 3 ? Integer.parseInt(args[3]) : 0);
            }
        }
    }

    private static void webhooks(PostgresServer postgres, int connections, int seconds, int rate) throws Exception {
        try (ClusterNodes cluster = new ClusterNodes(postgres, "bench_webhooks", 10, "127.0.0.1", new EmulatorOptions())) {
            Path counts = Files.createDirectories(cluster.work.resolve("counts"));
            ClusterNodes.Node[] n = cluster.twoNodes(10, 0, false, Map.of("wazzup.child.countDir", counts.toString()));
            List<URI> hooks = new ArrayList<>();
            for (ClusterNodes.Node node : n) {
                URI hook = URI.create("http://127.0.0.1:" + node.port + "/wazzup/webhook/" + ClusterNodes.SECRET);
                WazzupTestSupport.await("the webhook servlet of " + node.name, Duration.ofSeconds(60), () -> cluster.http.send(
                        HttpRequest.newBuilder(hook).POST(HttpRequest.BodyPublishers.ofString("{\"test\":true}")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
                hooks.add(hook);
            }
            Path script = WebhookBenchmark.script(cluster.work);
            // a warm-up, so that the nodes' JIT compilers settle: BENCH_WARMUP seconds (default 30)
            wrk(hooks, script, connections, Integer.parseInt(System.getenv().getOrDefault("BENCH_WARMUP", "30")), 0);
            WazzupTestSupport.await("the warm-up's events", Duration.ofSeconds(120), () -> events(counts, n) > 0
                    && pendingInbox(cluster) == 0);
            long before = stableEvents(counts, n);
            long seenBefore = cluster.count("SELECT COUNT(*) FROM wz_seen");
            long t0 = System.nanoTime();
            List<List<String>> out = wrk(hooks, script, connections, seconds, rate);
            long accepted = 0;
            long refused = 0;
            double worstP99 = 0;
            for (int i = 0; i < n.length; i++) {
                String result = out.get(i).stream().filter(l -> l.startsWith("RESULT")).findFirst().orElseThrow(
                        () -> new IllegalStateException("wrk printed no result: " + out));
                long requests = field(result, "requests");
                long non2xx = field(result, "non2xx");
                accepted += requests - non2xx;
                refused += non2xx;
                worstP99 = Math.max(worstP99, Double.parseDouble(result.replaceAll(".*p99ms=([0-9.]+).*", "$1")));
                System.out.printf("%s: %s%n", n[i].name, result);
            }
            long expected = accepted;
            WazzupTestSupport.await("every accepted webhook's event", Duration.ofSeconds(180),
                    () -> events(counts, n) - before >= expected && pendingInbox(cluster) == 0);
            double drained = (System.nanoTime() - t0) / 1e9;
            long events = stableEvents(counts, n) - before;
            // wrk counts the requests answered within the time; those in flight at its end were stored too
            long stored = cluster.count("SELECT COUNT(*) FROM wz_seen") - seenBefore;
            System.out.printf("two nodes, %d connections each, %d s, %s: %d webhooks answered 200 (%.0f/s in all), %d not;"
                    + " p99 %.2f ms at the slower node; %d notifications stored (%d in flight at wrk's end), %d events in"
                    + " the cluster (%s), all posted %.1f s after the start%n", connections, seconds,
                    rate > 0 ? "offered " + rate + "/s" : "as fast as answered", accepted,
                    accepted / (double) seconds, refused, worstP99, stored, stored - accepted, events,
                    events == stored ? "one per notification" : "MISMATCH", drained);
        }
    }

    private static long field(String result, String name) {
        return Long.parseLong(result.replaceAll(".*" + name + "=(\\d+).*", "$1"));
    }

    private static long events(Path counts, ClusterNodes.Node[] n) {
        long sum = 0;
        for (ClusterNodes.Node node : n) {
            sum += CountFile.read(counts.resolve(node.name + ".count"));
        }
        return sum;
    }

    /** The events counted once the count files stopped moving (they are written once a second). */
    private static long stableEvents(Path counts, ClusterNodes.Node[] n) throws InterruptedException {
        long last = -1;
        long now = events(counts, n);
        while (now != last) {
            Thread.sleep(2_100);
            last = now;
            now = events(counts, n);
        }
        return now;
    }

    private static long pendingInbox(ClusterNodes cluster) throws Exception {
        return cluster.count("SELECT COUNT(*) FROM wz_inbox");
    }

    /**
     * One wrk process per address at once, each at {@code rate / addresses} per second (0: as fast as
     * answered); their output lines, in the addresses' order.
     */
    private static List<List<String>> wrk(List<URI> hooks, Path script, int connections, int seconds, int rate)
            throws Exception {
        List<Process> running = new ArrayList<>();
        for (int i = 0; i < hooks.size(); i++) {
            // each process its own message ids (unseeded, both would draw the same; the cluster drops repeats)
            running.add(new ProcessBuilder("wrk", "-t1", "-c" + connections, "-d" + seconds + "s", "--latency", "-s",
                    script.toString(), hooks.get(i).toString(), "--", "w" + i + "-" + System.nanoTime() + "-",
                    Double.toString(rate / (double) hooks.size()))
                    .redirectErrorStream(true).start());
        }
        List<List<String>> out = new ArrayList<>();
        for (Process p : running) {
            out.add(new String(p.getInputStream().readAllBytes()).lines().toList());
            p.waitFor();
        }
        return out;
    }

    private static void failover(PostgresServer postgres, int kills, int changesPerKill) throws Exception {
        int contacts = Math.max(changesPerKill, 1_000);
        try (ClusterNodes cluster = new ClusterNodes(postgres, "bench_failover", contacts, "127.0.0.1",
                new EmulatorOptions().journalCapacity(50_000))) {
            ClusterNodes.Node[] n = cluster.twoNodes(contacts, 0, false, Map.of());
            List<Long> took = new ArrayList<>();
            for (int k = 1; k <= kills; k++) {
                ClusterNodes.Node leader = n[0].name.equals(n[0].leader()) ? n[0] : n[1];
                ClusterNodes.Node other = leader == n[0] ? n[1] : n[0];
                // the leader is dispatching when it dies: changes on the other node, Wazzup a little slow
                cluster.wazzup.faults().next("POST /v3/contacts", changesPerKill / 100, Fault.delay(Duration.ofMillis(100)));
                for (int from = 0; from < changesPerKill; from += 100) {
                    other.change(from, Math.min(changesPerKill, from + 100), "Kill" + k, "event");
                }
                long t0 = System.nanoTime();
                leader.kill();
                WazzupTestSupport.await("the other node leads", Duration.ofSeconds(60),
                        () -> other.alive() && other.name.equals(other.leader()));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                took.add(ms);
                System.out.printf("kill %d: %s killed, %s led after %d ms%n", k, leader.name, other.name, ms);
                leader.start(contacts, 0, false, Map.of());
                WazzupTestSupport.await("the killed node back as a follower", Duration.ofSeconds(60),
                        () -> leader.alive() && other.name.equals(leader.leader()) && other.status().contains(leader.name));
                int round = k;
                WazzupTestSupport.await("the round's changes in Wazzup", Duration.ofSeconds(120), () -> cluster.account
                        .contacts().stream().filter(c -> c.name().startsWith("Kill" + round + " ")).count() == changesPerKill);
            }
            List<Long> sorted = took.stream().sorted().toList();
            System.out.printf("failover over %d SIGKILLs of the leader (lease %s): min %d ms, median %d ms, max %d ms"
                    + " (target: max <= 10,000 ms); every change delivered%n", kills, "6 s", sorted.get(0),
                    sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1));
        }
    }
}
