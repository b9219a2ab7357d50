package dev.crmbridge.wazzup.emulator.bench;

import dev.crmbridge.wazzup.emulator.Account;
import dev.crmbridge.wazzup.emulator.EmulatorOptions;
import dev.crmbridge.wazzup.emulator.WazzupEmulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark, not a test: sustained {@code POST /v3/contacts} batches of 100 against the emulator on
 * loopback, rate limit off. Prints requests/s, contacts/s and latency percentiles.
 *
 * <p>Run: {@code bin/bench-emulator [threads] [seconds]}.
 */
public final class ContactsUpsertBenchmark {

    private ContactsUpsertBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        int warmup = 5;
        EmulatorOptions options = new EmulatorOptions().rateLimit(false);
        if (Boolean.getBoolean("bench.noJournal")) {
            options.journalCapacity(0);
        }
        try (WazzupEmulator wazzup = WazzupEmulator.builder().options(options).start()) {
            Account account = wazzup.createAccount("bench");
            URI uri = wazzup.baseUrl().resolve("/v3/contacts");
            // 50 distinct batches, so the store sees inserts first and updates after
            List<byte[]> bodies = new ArrayList<>();
            for (int b = 0; b < 50; b++) {
                StringBuilder s = new StringBuilder("[");
                for (int i = 0; i < 100; i++) {
                    int n = b * 100 + i;
                    if (i > 0) {
                        s.append(',');
                    }
                    s.append("{\"id\":\"contact-").append(n).append("\",\"responsibleUserId\":\"u-").append(n % 7)
                            .append("\",\"name\":\"Client number ").append(n)
                            .append("\",\"contactData\":[{\"chatType\":\"whatsapp\",\"chatId\":\"7901")
                            .append(String.format("%07d", n)).append("\"}],\"uri\":\"https://crm.example.com/contacts/")
                            .append(n).append("\"}");
                }
                bodies.add(s.append(']').toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            System.out.printf("body size: %d bytes per batch of 100%n", bodies.get(0).length);

            AtomicBoolean measuring = new AtomicBoolean();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong ok = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            List<long[]> latencies = new ArrayList<>();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long[] lat = new long[5_000_000];
                latencies.add(lat);
                int offset = t;
                int[] count = {0};
                Thread w = new Thread(() -> {
                    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                    int i = offset;
                    while (!stop.get()) {
                        HttpRequest req = HttpRequest.newBuilder(uri)
                                .header("Authorization", "Bearer " + account.apiKey())
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(i++ % bodies.size()))).build();
                        long t0 = System.nanoTime();
                        try {
                            int status = client.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
                            long dt = System.nanoTime() - t0;
                            if (measuring.get()) {
                                if (status == 200) {
                                    ok.incrementAndGet();
                                    if (count[0] < lat.length) {
                                        lat[count[0]++] = dt;
                                    }
                                } else {
                                    failed.incrementAndGet();
                                }
                            }
                        } catch (Exception e) {
                            failed.incrementAndGet();
                        }
                    }
                    lat[lat.length - 1] = count[0];
                }, "bench-" + t);
                workers.add(w);
                w.start();
            }
            Thread.sleep(Duration.ofSeconds(warmup).toMillis());
            measuring.set(true);
            long t0 = System.nanoTime();
            Thread.sleep(Duration.ofSeconds(seconds).toMillis());
            measuring.set(false);
            double elapsed = (System.nanoTime() - t0) / 1e9;
            stop.set(true);
            for (Thread w : workers) {
                w.join();
            }
            List<Long> all = new ArrayList<>();
            for (long[] lat : latencies) {
                int n = (int) lat[lat.length - 1];
                for (int i = 0; i < n; i++) {
                    all.add(lat[i]);
                }
            }
            long[] sorted = all.stream().mapToLong(Long::longValue).toArray();
            Arrays.sort(sorted);
            double rps = ok.get() / elapsed;
            System.out.printf("threads=%d measured=%.1fs requests=%d failed=%d%n", threads, elapsed, ok.get(), failed.get());
            System.out.printf("throughput: %.0f requests/s, %.0f contacts/s%n", rps, rps * 100);
            if (sorted.length > 0) {
                System.out.printf("latency ms: p50=%.2f p90=%.2f p99=%.2f max=%.2f%n", pct(sorted, 0.50), pct(sorted, 0.90),
                        pct(sorted, 0.99), sorted[sorted.length - 1] / 1e6);
            }
            System.out.printf("contacts stored: %d%n", account.contacts().size());
        }
    }

    private static double pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) (p * sorted.length))] / 1e6;
    }
}
