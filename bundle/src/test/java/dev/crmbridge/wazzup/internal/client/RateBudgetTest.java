package dev.crmbridge.wazzup.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crmbridge.wazzup.emulator.EmulatorOptions;
import dev.crmbridge.wazzup.emulator.model.JournalEntry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The client never causes a 429 under its own load, whatever the number of callers. */
class RateBudgetTest extends EmulatorClientSupport {

    @Override
    protected EmulatorOptions emulatorOptions() {
        return new EmulatorOptions().journalCapacity(20_000);
    }

    private static List<WzContact> contacts(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> new WzContact("c" + i, "u-1", "Client " + i,
                List.of(WzChatHandle.of("whatsapp", String.format("7902%07d", i))), null)).toList();
    }

    @Test
    void thirtyThousandContactsUnderTheDocumentedLimitMeetNo429() {
        client.contacts().upsert(contacts(0, 30_000));
        List<JournalEntry> posts = wazzup.journal().entries("POST /v3/contacts");
        assertThat(posts).hasSize(300).allSatisfy(e -> assertThat(e.status()).isEqualTo(200));
        assertThat(account.contacts()).hasSize(30_000);
    }

    @Test
    void concurrentCallersShareOneBudgetPerKey() throws Exception {
        // a tight limit so that the budget really binds: Wazzup 20 per 600 ms, our budget 18
        wazzup.options().rateLimit(20, Duration.ofMillis(600));
        RateLimiters shared = new RateLimiters(TimeSource.SYSTEM);
        List<WazzupClient> clients = IntStream.range(0, 4).mapToObj(i -> builder().rateLimiters(shared)
                .rateBudget(18, Duration.ofMillis(600)).build()).toList();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            long t0 = System.nanoTime();
            List<Future<?>> done = IntStream.range(0, 4).mapToObj(i -> pool.submit(() -> {
                for (int r = 0; r < 15; r++) {
                    clients.get(i).channels().list();
                }
            })).<Future<?>>map(f -> f).toList();
            for (Future<?> f : done) {
                f.get();
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(wazzup.journal().entries("GET /v3/channels")).hasSize(60)
                    .allSatisfy(e -> assertThat(e.status()).isEqualTo(200));
            // 60 requests at 18 per window: the last cannot start before 3 windows (of 600 + 100 ms margin)
            assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(3 * 700));
        } finally {
            pool.shutdownNow();
            clients.forEach(WazzupClient::close);
        }
    }
}
