package dev.crmbridge.wazzup.internal.client.bench;

import dev.crmbridge.wazzup.emulator.Account;
import dev.crmbridge.wazzup.emulator.EmulatorOptions;
import dev.crmbridge.wazzup.emulator.WazzupEmulator;
import dev.crmbridge.wazzup.internal.client.RateLimiter;
import dev.crmbridge.wazzup.internal.client.RateLimiters;
import dev.crmbridge.wazzup.internal.client.TimeSource;
import dev.crmbridge.wazzup.internal.client.WazzupClient;
import dev.crmbridge.wazzup.internal.client.WzChatHandle;
import dev.crmbridge.wazzup.internal.client.WzContact;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Benchmark, not a test: upserts N contacts through the client against the emulator with Wazzup's
 * documented limit on (500 requests / 5 s) and the client's default budget (450 / 5 s). Prints the
 * requests made, 429s met, the elapsed time and the floor the budget sets: with a sliding window of
 * B requests per W, R requests cannot finish before (ceil(R / B) - 1) * W.
 *
 * <p>Run: {@code bin/bench-client [contacts...]} (default 30000 300000).
 */
public final class ClientBudgetBenchmark {

    private ClientBudgetBenchmark() {
    }

    public static void main(String[] args) {
        int[] sizes = args.length == 0 ? new int[] {30_000, 300_000} : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        for (int n : sizes) {
            run(n);
        }
    }

    private static void run(int contacts) {
        EmulatorOptions options = new EmulatorOptions().journalCapacity(Math.max(5_000, contacts / 100 + 100));
        try (WazzupEmulator wazzup = WazzupEmulator.builder().options(options).start()) {
            Account account = wazzup.createAccount("bench");
            List<WzContact> list = IntStream.range(0, contacts).mapToObj(i -> new WzContact("c" + i, "u-" + (i % 7),
                    "Client " + i, List.of(WzChatHandle.of("whatsapp", String.format("79%09d", i))),
                    "https://crm.example.com/contacts/" + i)).toList();
            try (WazzupClient client = WazzupClient.builder().baseUrl(wazzup.baseUrl()).apiKey(account.apiKey())
                    .rateLimiters(new RateLimiters(TimeSource.SYSTEM)).build()) {
                RateLimiter limiter = client.rateLimiter();
                long t0 = System.nanoTime();
                client.contacts().upsert(list);
                double elapsed = (System.nanoTime() - t0) / 1e9;
                long requests = wazzup.journal().entries("POST /v3/contacts").size();
                long limited = wazzup.journal().entries(e -> e.status() == 429).size();
                double window = limiter.window().toMillis() / 1000.0;
                long windows = (requests + limiter.permits() - 1) / limiter.permits();
                double floor = (windows - 1) * window;
                System.out.printf("contacts=%d requests=%d 429s=%d elapsed=%.2fs budget=%d/%.1fs floor=%.2fs "
                        + "over-floor=%.2fs (%.1f%% of the floor) stored=%d%n", contacts, requests, limited, elapsed,
                        limiter.permits(), window, floor, elapsed - floor, floor > 0 ? 100 * (elapsed - floor) / floor : 0.0,
                        account.contacts().size());
            }
        }
    }

}
