package dev.crmbridge.wazzup.itests;

import dev.crmbridge.wazzup.emulator.Account;
import dev.crmbridge.wazzup.emulator.WazzupEmulator;
import dev.crmbridge.wazzup.emulator.model.JournalEntry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Benchmark, not a test: the plugin's own time on the chat-window endpoint. The host CRM of the browser
 * test runs in a Felix framework of its own (Felix HTTP, Jetty 12) with the connector; a signed-in
 * manager asks {@code GET /wazzup/chat/window} for the global scope and for a contact card, and, in the
 * same loop, the same {@code POST /v3/iframe} bodies the plugin sent (read from the emulator's journal)
 * go straight to the emulator, as does a static file from the plugin's servlet (the cost of the HTTP hop
 * into the framework). The plugin's own time is the endpoint's latency less the emulator's, compared
 * at the same percentile. Requests are paced under the connector's API budget so its rate limiter never
 * waits; the emulator's rate limit is off.
 *
 * <p>Run: {@code bin/bench-chat [samples per kind, default 1500] [per second, default 40]}.
 */
public final class ChatBenchmark {

    private ChatBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 1500;
        int perSecond = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        Path work = Files.createTempDirectory(Path.of("target"), "bench-chat-");
        try (WazzupEmulator wazzup = WazzupEmulator.builder().start()) {
            wazzup.options().rateLimit(false);
            Account account = wazzup.createAccount();
            int port = WazzupTestSupport.freePort();
            Process child = ChildFrameworks.startWithHttp(work, BrowserHostActivator.bundle(work.resolve("host.jar")), port,
                    Map.of("wazzup.child.emulator", wazzup.baseUrl().toString(), "wazzup.child.apiKey", account.apiKey(),
                            "wazzup.child.poll", "30"));
            try {
                WazzupTestSupport.await("the host synced", Duration.ofSeconds(60),
                        () -> account.users().size() == 3 && account.contacts().size() == 3);
                run(wazzup, account, "http://127.0.0.1:" + port, samples, perSecond);
            } finally {
                child.destroyForcibly();
            }
        }
    }

    private static void run(WazzupEmulator wazzup, Account account, String base, int samples, int perSecond)
            throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<Void> signIn = http.send(HttpRequest.newBuilder(URI.create(base + "/crm/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("user=u1")).build(), HttpResponse.BodyHandlers.discarding());
        String cookie = signIn.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];

        HttpRequest global = window(base + "/wazzup/chat/window?scope=global", cookie);
        HttpRequest card = window(base + "/wazzup/chat/window?scope=card&contact=c-anna", cookie);
        HttpRequest hop = window(base + "/wazzup/chat/static/chat.svg", cookie);
        check(http, global);
        check(http, card);
        // the bodies the plugin sends, replayed straight to the emulator
        List<JournalEntry> sent = wazzup.journal().entries("POST /v3/iframe");
        HttpRequest directGlobal = direct(wazzup, account, body(sent, "\"global\""));
        HttpRequest directCard = direct(wazzup, account, body(sent, "\"card\""));

        HttpRequest[] kinds = {global, directGlobal, card, directCard, hop};
        String[] names = {"plugin /window global", "emulator /v3/iframe global", "plugin /window card",
                "emulator /v3/iframe card", "plugin static file (HTTP hop)"};
        // warm-up: JIT, connections, caches
        for (int i = 0; i < 300; i++) {
            for (HttpRequest k : kinds) {
                check(http, k);
            }
        }
        long[][] nanos = new long[kinds.length][samples];
        long interval = 1_000_000_000L / perSecond;
        long next = System.nanoTime();
        for (int i = 0; i < samples; i++) {
            for (int j = 0; j < kinds.length; j++) {
                int k = (i + j) % kinds.length; // rotate the order so no kind always goes first
                long t0 = System.nanoTime();
                check(http, kinds[k]);
                nanos[k][i] = System.nanoTime() - t0;
            }
            next += interval;
            LockSupport.parkNanos(next - System.nanoTime());
        }
        System.out.printf("%n%d samples per kind, %d rounds per second, one client on loopback%n", samples, perSecond);
        System.out.printf("%-32s %9s %9s %9s%n", "", "p50 ms", "p90 ms", "p99 ms");
        double[][] p = new double[kinds.length][];
        for (int k = 0; k < kinds.length; k++) {
            Arrays.sort(nanos[k]);
            p[k] = new double[] {pct(nanos[k], 50), pct(nanos[k], 90), pct(nanos[k], 99)};
            System.out.printf("%-32s %9.3f %9.3f %9.3f%n", names[k], p[k][0], p[k][1], p[k][2]);
        }
        System.out.printf("%nThe plugin's own time (endpoint less emulator, same percentile):%n");
        System.out.printf("%-32s %9.3f %9s %9.3f%n", "global", p[0][0] - p[1][0], "", p[0][2] - p[1][2]);
        System.out.printf("%-32s %9.3f %9s %9.3f%n", "card (contact)", p[2][0] - p[3][0], "", p[2][2] - p[3][2]);
        System.out.printf("of which the HTTP hop into the framework: p50 %.3f ms, p99 %.3f ms%n", p[4][0], p[4][2]);
        System.out.printf("target: p50 < 2 ms → %s%n",
                Math.max(p[0][0] - p[1][0], p[2][0] - p[3][0]) < 2.0 ? "met" : "NOT met");
    }

    private static HttpRequest window(String url, String cookie) {
        return HttpRequest.newBuilder(URI.create(url)).header("Cookie", cookie).GET().build();
    }

    private static HttpRequest direct(WazzupEmulator wazzup, Account account, String body) {
        return HttpRequest.newBuilder(wazzup.baseUrl().resolve("/v3/iframe"))
                .header("Authorization", "Bearer " + account.apiKey()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static String body(List<JournalEntry> sent, String scope) {
        return sent.stream().map(JournalEntry::body).filter(b -> b.contains("\"scope\":" + scope)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the plugin sent no " + scope + " window request"));
    }

    private static void check(HttpClient http, HttpRequest r) throws Exception {
        HttpResponse<byte[]> a = http.send(r, HttpResponse.BodyHandlers.ofByteArray());
        if (a.statusCode() != 200) {
            throw new IllegalStateException(r.uri().getPath() + " → " + a.statusCode() + " " + new String(a.body()));
        }
    }

    private static double pct(long[] sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }
}
