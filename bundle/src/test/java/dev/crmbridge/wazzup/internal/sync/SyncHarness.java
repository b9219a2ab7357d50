package dev.crmbridge.wazzup.internal.sync;

import dev.crmbridge.wazzup.api.IntegrationScheme;
import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.api.sync.SyncStatus;
import dev.crmbridge.wazzup.emulator.Account;
import dev.crmbridge.wazzup.emulator.EmulatorOptions;
import dev.crmbridge.wazzup.emulator.WazzupEmulator;
import dev.crmbridge.wazzup.emulator.model.JournalEntry;
import dev.crmbridge.wazzup.internal.client.RateLimiters;
import dev.crmbridge.wazzup.internal.client.RetryPolicy;
import dev.crmbridge.wazzup.internal.client.TimeSource;
import dev.crmbridge.wazzup.internal.client.WazzupClient;
import dev.crmbridge.wazzup.internal.config.TestRuntime;
import dev.crmbridge.wazzup.internal.store.OutboxRow;
import dev.crmbridge.wazzup.internal.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * The connector's runtime as the component builds it ({@link TestRuntime}): H2 in a temp folder, a
 * client to an embedded emulator, a host in memory; no framework.
 */
final class SyncHarness implements AutoCloseable {

    final WazzupEmulator wazzup;
    final Account account;
    final Path dir;
    final TestDirectory crm;
    /** A client of the account's key for the test's own calls (drift in Wazzup). */
    final WazzupClient client;
    TestRuntime runtime;
    SyncStatus status;
    /** PostgreSQL instead of H2 (a cluster of one node), or null. */
    private final javax.sql.DataSource db;

    SyncHarness(TestDirectory crm, EmulatorOptions options) {
        this(crm, options, null);
    }

    /** The same on PostgreSQL ({@code db}), as one node of a cluster. */
    SyncHarness(TestDirectory crm, EmulatorOptions options, javax.sql.DataSource db) {
        this.crm = crm;
        this.db = db;
        this.wazzup = WazzupEmulator.builder().options(options).start();
        this.account = wazzup.createAccount("acc");
        this.client = WazzupClient.builder().baseUrl(wazzup.baseUrl()).apiKey(account.apiKey())
                .rateLimiters(new RateLimiters(TimeSource.SYSTEM))
                .retryPolicy(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(50))).build();
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
        TestRuntime.Builder b = TestRuntime.builder().wazzup(wazzup.baseUrl(), account.apiKey()).sync(settings)
                .directory(() -> crm);
        runtime = (db == null ? b.store(dir.toFile()) : b.store(db).node("node-a", Duration.ofSeconds(6))).start();
        status = runtime.status;
        return this;
    }

    /** Stops the runtime and closes the database, as a bundle stop does. */
    void stop() {
        runtime.stop();
    }

    Store store() {
        return runtime.storage.store();
    }

    void saved(EntityType type, String... ids) {
        runtime.record(type, List.of(ids), OutboxRow.Op.SAVE);
    }

    void deleted(EntityType type, String... ids) {
        runtime.record(type, List.of(ids), OutboxRow.Op.DELETE);
    }

    long requests(String route) {
        return wazzup.journal().entries(route).size();
    }

    List<JournalEntry> journal(String route) {
        return wazzup.journal().entries(route);
    }

    /** Changes not yet accepted by Wazzup (stored or not); 1 more while the initial sync runs. */
    long pending() {
        return status.entities().values().stream().mapToLong(s -> s.pending()).sum()
                + (status.initialSyncComplete() ? 0 : 1);
    }

    /** Waits for a condition with a deadline (Awaitility, polling every 20 ms). */
    static void await(String what, Duration timeout, BooleanSupplier condition) {
        Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(20)).until(condition::getAsBoolean);
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (RuntimeException ignored) {
            // already stopped
        }
        client.close();
        wazzup.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp folder
        }
    }
}
