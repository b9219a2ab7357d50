package dev.crmbridge.wazzup.itests;

import dev.crmbridge.wazzup.emulator.WazzupEmulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Benchmark, not a test: sustained {@code messages} webhooks into the connector running in a real
 * Felix framework (Felix HTTP, Jetty 12) in its own JVM, driven by wrk on loopback. Prints wrk's
 * figures and checks that every webhook answered 200 became a stored notification and an event.
 *
 * <p>Run: {@code bin/bench-webhooks [connections] [seconds]}.
 */
public final class WebhookBenchmark {

    private static final String SECRET = "bench-webhook-secret-0123456789";

    private WebhookBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Path work = Files.createTempDirectory(Path.of("target"), "bench-webhooks-");
        Path countFile = work.resolve("events.count");
        try (WazzupEmulator wazzup = WazzupEmulator.builder().start()) {
            String host = ChildFrameworks.hostBundle(work.resolve("host.jar"), "dev.crmbridge.wazzup.itests.webhookhost",
                    WebhookChildActivator.class, "dev.crmbridge.wazzup.api,dev.crmbridge.wazzup.api.model,"
                            + "dev.crmbridge.wazzup.api.spi,dev.crmbridge.wazzup.api.event,org.osgi.framework,"
                            + "org.osgi.service.cm,org.osgi.service.event,org.osgi.util.tracker",
                    ItDirectory.class, CountFile.class);
            int port = WazzupTestSupport.freePort();
            Process child = ChildFrameworks.startWithHttp(work, host, port, Map.of("wazzup.child.emulator",
                    wazzup.baseUrl().toString(), "wazzup.child.secret", SECRET, "wazzup.child.countFile", countFile.toString()));
            try {
                URI hook = URI.create("http://127.0.0.1:" + port + "/wazzup/webhook/" + SECRET);
                HttpClient http = HttpClient.newHttpClient();
                WazzupTestSupport.await("the webhook servlet", Duration.ofSeconds(60), () -> http.send(
                        HttpRequest.newBuilder(hook).POST(HttpRequest.BodyPublishers.ofString("{\"test\":true}")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
                Path script = script(work);
                // a short warm-up, then the measured run
                run(List.of("wrk", "-t2", "-c" + connections, "-d5s", "-s", script.toString(), hook.toString()), false);
                long before = CountFile.read(countFile);
                List<String> out = run(List.of("wrk", "-t2", "-c" + connections, "-d" + seconds + "s", "--latency",
                        "-s", script.toString(), hook.toString()), true);
                String result = out.stream().filter(l -> l.startsWith("RESULT")).findFirst().orElse("");
                long requests = Long.parseLong(result.replaceAll(".*requests=(\\d+).*", "$1"));
                long non2xx = Long.parseLong(result.replaceAll(".*non2xx=(\\d+).*", "$1"));
                long expected = requests - non2xx;
                WazzupTestSupport.await("every accepted webhook's event", Duration.ofSeconds(120),
                        () -> CountFile.read(countFile) - before >= expected);
                System.out.printf("connections=%d seconds=%d: %d webhooks answered 200 (%.0f/s), %d not; events posted for "
                        + "all %d%n", connections, seconds, expected, expected / (double) seconds, non2xx, CountFile.read(countFile) - before);
            } finally {
                child.destroy();
                child.waitFor();
            }
        }
    }

    /**
     * A wrk script in {@code dir} posting {@code messages} webhooks, each with a message id of its own, and
     * printing {@code RESULT requests=… non2xx=… errors=… p50ms=… p90ms=… p99ms=… maxms=…} at the end. Its
     * arguments (after wrk's {@code --}): a prefix for the message ids, and optionally a rate in requests
     * per second for each wrk thread: sends then keep to a schedule (an open load, as webhooks arrive)
     * instead of following each answer at once.
     */
    static Path script(Path dir) throws java.io.IOException {
        Path script = dir.resolve("messages.lua");
        Files.writeString(script, """
                local ffi = require("ffi")
                ffi.cdef[[
                  typedef struct { long tv_sec; long tv_usec; } wz_timeval;
                  int gettimeofday(wz_timeval *tv, void *tz);
                ]]
                local tv = ffi.new("wz_timeval")
                local function nowms()
                  ffi.C.gettimeofday(tv, nil)
                  return tonumber(tv.tv_sec) * 1000 + tonumber(tv.tv_usec) / 1000
                end
                local counter = 0
                local prefix = ""
                local rate = 0
                local start = 0
                local slots = 0
                function setup(thread)
                  thread:set("tid", tostring(math.random(1, 1000000000)))
                end
                function init(args)
                  prefix = (args[1] or "") .. tid .. "-" .. tostring(os.time()) -- a wrk process of its own: its name first
                  rate = tonumber(args[2] or "0")
                end
                function delay()
                  if rate <= 0 then
                    return 0
                  end
                  local now = nowms()
                  if start == 0 then
                    start = now
                  end
                  slots = slots + 1
                  local due = start + slots * 1000 / rate
                  if due > now then
                    return math.floor(due - now)
                  end
                  return 0
                end
                function request()
                  counter = counter + 1
                  local body = '{"messages":[{"messageId":"' .. prefix .. '-' .. counter .. '",'
                    .. '"dateTime":"2025-05-06T14:16:00.002Z","channelId":"b96a353b-9999-4cac-8413-ba99999f981",'
                    .. '"chatType":"whatsapp","chatId":"79999999999","type":"text","isEcho":false,'
                    .. '"contact":{"name":"Client"},"text":"Hello, is the sofa still available?","status":"inbound"}]}'
                  return wrk.format("POST", nil, {["Content-Type"] = "application/json; charset-utf-8"}, body)
                end
                done = function(summary, latency, requests)
                  io.write(string.format("RESULT requests=%d non2xx=%d errors=%d p50ms=%.2f p90ms=%.2f p99ms=%.2f maxms=%.2f\\n",
                    summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read
                    + summary.errors.write + summary.errors.timeout,
                    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
                    latency.max / 1000))
                end
                """);
        return script;
    }

    static List<String> run(List<String> command, boolean print) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new String(p.getInputStream().readAllBytes()).lines().toList();
        p.waitFor();
        if (print) {
            lines.forEach(System.out::println);
        }
        return lines;
    }
}
