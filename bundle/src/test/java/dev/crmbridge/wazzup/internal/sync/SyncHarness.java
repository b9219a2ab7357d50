package dev.crmbridge.wazzup.internal.sync;

import dev.crmbridge.wazzup.api.IntegrationScheme;
import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.emulator.Account;
import dev.crmbridge.wazzup.emulator.EmulatorOptions;
import dev.crmbridge.wazzup.emulator.WazzupEmulator;
import dev.crmbridge.wazzup.emulator.model.JournalEntry;
import dev.crmbridge.wazzup.internal.client.RateLimiters;
import dev.crmbridge.wazzup.internal.client.RetryPolicy;
import dev.crmbridge.wazzup.internal.client.TimeSource;
import dev.crmbridge.wazzup.internal.client.WazzupClient;
import dev.crmbridge.wazzup.internal.store.EmbeddedDatabase;
import dev.crmbridge.wazzup.internal.store.OutboxRow;
import dev.crmbridge.wazzup.internal.store.SyncStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** A sync engine wired as the component wires it: H2 in a temp folder, a client to an embedded emulator. */
final class SyncHarness implements AutoCloseable {

    final WazzupEmulator wazzup;
    final Account account;
    final Path dir;
    final TestDirectory crm;
    EmbeddedDatabase db;
    SyncStore store;
    WazzupClient client;
    SyncEngine engine;

    SyncHarness(TestDirectory crm, EmulatorOptions options) {
        this.crm = crm;
        this.wazzup = WazzupEmulator.builder().options(options).start();
        this.account = wazzup.createAccount("acc");
        try {
            this.dir = Files.createTempDirectory("wazzup-sync-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SyncSettings settings(IntegrationScheme scheme) {
        return new SyncSettings(scheme, Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ZERO, true, true,
                PhoneRules.NONE, "digest-1");
    }

    SyncHarness start(SyncSettings settings) {
        db = new EmbeddedDatabase(dir.toFile());
        store = new SyncStore(db.dataSource(), "default");
        store.migrate();
        client = WazzupClient.builder().baseUrl(wazzup.baseUrl()).apiKey(account.apiKey())
                .rateLimiters(new RateLimiters(TimeSource.SYSTEM))
                .retryPolicy(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(50))).build();
        engine = new SyncEngine(settings, store, client, () -> crm, Clock.systemUTC());
        engine.start();
        return this;
    }

    /** Stops the engine and closes the database, as a bundle stop does. */
    void stop() {
        engine.close();
        client.close();
        db.close();
    }

    void saved(EntityType type, String... ids) {
        engine.record(type, List.of(ids), OutboxRow.Op.SAVE);
    }

    void deleted(EntityType type, String... ids) {
        engine.record(type, List.of(ids), OutboxRow.Op.DELETE);
    }

    long requests(String route) {
        return wazzup.journal().entries(route).size();
    }

    List<JournalEntry> journal(String route) {
        return wazzup.journal().entries(route);
    }

    /** Changes not yet accepted by Wazzup; 1 more while the initial sync runs. */
    long pending() {
        return engine.entities().values().stream().mapToLong(s -> s.pending()).sum()
                + (engine.initialSyncComplete() ? 0 : 1);
    }

    /** Waits for a condition, polling every 20 ms; fails after the deadline. */
    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (RuntimeException ignored) {
            // already stopped
        }
        wazzup.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp folder
        }
    }
}
