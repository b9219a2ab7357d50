package dev.crmbridge.wazzup.itests;

import dev.crmbridge.wazzup.emulator.Account;
import dev.crmbridge.wazzup.emulator.WazzupEmulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * Benchmark, not a test (issue 17, acceptance 4): the live counter with 500 open streams on one node. The
 * browser test's host runs in a Felix framework of its own with 50 managers; 499 streams are plain sockets
 * (10 tabs of each manager, one of them a real page) and the 500th is headless Chromium showing u0's
 * badge. It reports the node's heap per stream and its threads, the webhook-to-badge latency measured
 * in the browser over 20 customers' messages, and what polling would have cost the same 500 tabs.
 *
 * <p>Run: {@code bin/bench-live [messages, default 20] [pause between them in ms, default 1500]}.
 */
public final class LiveBenchmark {

    private static final int USERS = 50;
    private static final int TABS = 10;

    private LiveBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        long pause = args.length > 1 ? Long.parseLong(args[1]) : 1_500;
        Path work = Files.createTempDirectory(Path.of("target"), "bench-live-");
        try (WazzupEmulator wazzup = WazzupEmulator.builder().start()) {
            Account account = wazzup.createAccount();
            int port = WazzupTestSupport.freePort();
            Process child = ChildFrameworks.startWithHttp(work, BrowserHostActivator.bundle(work.resolve("host.jar")), port,
                    Map.of("wazzup.child.emulator", wazzup.baseUrl().toString(), "wazzup.child.apiKey", account.apiKey(),
                            "wazzup.child.poll", "3600", "wazzup.child.benchUsers", Integer.toString(USERS)));
            List<SseClient> streams = new ArrayList<>();
            try (Chromium chromium = new Chromium(work, "bench-live")) {
                WazzupTestSupport.await("the host synced, webhooks subscribed", Duration.ofSeconds(90),
                        () -> account.users().size() == USERS && account.contacts().size() == USERS + 3
                                && account.webhooks().messagesAndStatuses());
                run(account, "http://127.0.0.1:" + port, chromium, streams, messages, pause, wazzup);
            } finally {
                streams.forEach(SseClient::close);
                child.destroyForcibly();
            }
        }
    }

    private static void run(Account account, String base, Chromium chromium, List<SseClient> streams, int messages,
            long pause, WazzupEmulator wazzup) throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        Map<String, String> cookies = new HashMap<>();
        for (int u = 0; u < USERS; u++) {
            HttpResponse<Void> in = http.send(HttpRequest.newBuilder(URI.create(base + "/crm/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("user=u" + u)).build(), HttpResponse.BodyHandlers.discarding());
            cookies.put("u" + u, in.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0]);
        }
        Jvm before = jvm(http, base);

        // the real page: u0 in Chromium
        ChromeDriver browser = chromium.driver;
        browser.get(base + "/crm/login");
        new Select(browser.findElement(By.id("user"))).selectByValue("u0");
        browser.findElement(By.id("sign-in")).click();
        chromium.until("the home page", () -> browser.findElements(By.id("me")).size() == 1);
        WebElement badge = browser.findElement(By.cssSelector("#toolbar wazzup-chat-button"));
        chromium.until("the page's stream is live", Duration.ofSeconds(20),
                () -> "on".equals(badge.getAttribute("data-live")) && badge.getAttribute("data-count") != null);
        browser.executeScript("window.__changes = [];"
                + "new MutationObserver(function () { window.__changes.push([Date.now(),"
                + " arguments[0][0].target.getAttribute('data-count')]); })"
                + ".observe(arguments[0], {attributes: true, attributeFilter: ['data-count']});", badge);

        // the 499 other tabs
        ExecutorService pool = Executors.newFixedThreadPool(32);
        List<Future<SseClient>> opening = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            for (int tab = 0; tab < TABS; tab++) {
                if (u == 0 && tab == 0) {
                    continue; // Chromium's
                }
                String user = "u" + u;
                opening.add(pool.submit(() -> new SseClient(port(base), "/wazzup/chat/stream", user,
                        "Cookie: " + cookies.get(user) + "\r\n").listen()));
            }
        }
        for (Future<SseClient> f : opening) {
            streams.add(f.get());
        }
        pool.shutdown();
        WazzupTestSupport.await("every stream's first counter", Duration.ofSeconds(60),
                () -> streams.stream().allMatch(s -> s.count() >= 0));
        Jvm open = jvm(http, base);

        // 20 customers' messages to u0's client, one every `pause`; the badge's changes, timed in the browser
        long fetchesBefore = wazzup.journal().entries("GET /v3/unanswered/{userId}").size();
        long t0 = System.currentTimeMillis();
        List<Long> sentAt = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            sentAt.add(System.currentTimeMillis());
            account.customerWrites("whatsapp", "79060000000", "Message " + i);
            int expect = i + 1;
            chromium.until("the badge shows " + expect, Duration.ofSeconds(10),
                    () -> Integer.toString(expect).equals(badge.getAttribute("data-count")));
            Thread.sleep(pause);
        }
        long runMillis = System.currentTimeMillis() - t0;
        long fetches = wazzup.journal().entries("GET /v3/unanswered/{userId}").size() - fetchesBefore;
        @SuppressWarnings("unchecked")
        List<List<Object>> changes = (List<List<Object>>) browser.executeScript("return window.__changes;");
        long[] latency = new long[messages];
        for (List<Object> c : changes) {
            int count = Integer.parseInt(String.valueOf(c.get(1)));
            if (count >= 1 && count <= messages && latency[count - 1] == 0) {
                latency[count - 1] = ((Number) c.get(0)).longValue() - sentAt.get(count - 1);
            }
        }
        long[] sorted = latency.clone();
        java.util.Arrays.sort(sorted);
        System.out.printf("%nLive counter, %d streams (%d users x %d tabs; one a Chromium page) on one node:%n",
                USERS * TABS, USERS, TABS);
        System.out.printf("  node heap in use after GC: %,d KB before, %,d KB with the streams: %,d bytes a stream%n",
                before.heap >> 10, open.heap >> 10, (open.heap - before.heap) / (USERS * TABS));
        System.out.printf("  node threads: %d before, %d with the streams; not idle in a pool: %d before, %d with them%n",
                before.threads, open.threads, before.busy, open.busy);
        System.out.printf("  %s%n", open.streams);
        System.out.printf("  webhook-to-badge in the browser over %d messages, %d ms apart: p50 %d ms, p99 %d ms, max %d ms"
                + " (all: %s)%n", messages, pause, percentile(sorted, 50), percentile(sorted, 99), sorted[sorted.length - 1],
                java.util.Arrays.toString(latency));
        System.out.printf("  counter requests to Wazzup meanwhile: %d in %.1f s (u0's %d changes; the other 49 users'"
                + " grey refreshes)%n", fetches, runMillis / 1000.0, messages);
        // every tab closed: streams released at the next heartbeat, the HTTP server's pool back after its idle timeout
        streams.forEach(SseClient::close);
        browser.get("about:blank");
        long closed = System.nanoTime();
        WazzupTestSupport.await("every stream released", Duration.ofSeconds(90),
                () -> jvm(http, base).streams.contains("streams=0,"));
        long releasedMillis = (System.nanoTime() - closed) / 1_000_000;
        Jvm after = jvm(http, base);
        while (after.threads > before.threads + 2 && System.nanoTime() - closed < Duration.ofSeconds(150).toNanos()) {
            Thread.sleep(1_000); // pools retire idle threads on their own clocks: a benchmark may wait
            after = jvm(http, base);
        }
        long backMillis = (System.nanoTime() - closed) / 1_000_000;
        System.out.printf("  all tabs closed: every stream released after %d ms (heartbeat 25 s); heap %,d KB, threads %d"
                + " (%d not idle) after %d ms, against %,d KB and %d (%d) before%n", releasedMillis, after.heap >> 10,
                after.threads, after.busy, backMillis, before.heap >> 10, before.threads, before.busy);
        double pollingPerMinute = USERS * TABS * 60.0 / 30;
        System.out.printf("  polling instead (counterPollSeconds 30, counterTtlSeconds 15): %.0f requests a minute to the"
                + " node from the 500 tabs, up to %d a minute to Wazzup (one per user per 15 s), and a badge on average"
                + " 15 s, at worst 30 s late; the streams: 0 requests, %d heartbeat lines a minute (25 s)%n",
                pollingPerMinute, USERS * 4, USERS * TABS * 60 / 25);
    }

    private static long percentile(long[] sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static int port(String base) {
        return Integer.parseInt(base.substring(base.lastIndexOf(':') + 1));
    }

    private record Jvm(long heap, int threads, int busy, String streams) {
    }

    private static Jvm jvm(HttpClient http, String base) throws Exception {
        String line = http.send(HttpRequest.newBuilder(URI.create(base + "/crm/jvm")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body().strip();
        Matcher m = Pattern.compile("heap=(\\d+) threads=(\\d+) busy=(\\d+) streams=(.*)").matcher(line);
        if (!m.matches()) {
            throw new IllegalStateException(line);
        }
        return new Jvm(Long.parseLong(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), m.group(4));
    }
}
