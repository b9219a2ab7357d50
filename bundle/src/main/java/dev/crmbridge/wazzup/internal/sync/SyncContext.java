package dev.crmbridge.wazzup.internal.sync;

import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.internal.client.WazzupClient;
import dev.crmbridge.wazzup.internal.store.Fence;
import dev.crmbridge.wazzup.internal.store.Store;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** What the parts of one engine share. */
final class SyncContext {

    final SyncSettings settings;
    /** The account's store, fenced: once the engine is replaced, none of its commits goes through. */
    final Store store;
    /** Null while no API key is configured. */
    final WazzupClient client;
    final Supplier<CrmDirectory> directory;
    final Clock clock;
    final Health health;
    final Fence fence;
    final List<SyncedType<?, ?>> types;
    final AcceptedWrites accepted;
    /** Dead letters in the store, or more (never fewer): 0 lets accepted batches skip clearing them. */
    final AtomicLong deadLetters = new AtomicLong();
    private final BooleanSupplier running;

    SyncContext(SyncSettings settings, Store store, WazzupClient client, Supplier<CrmDirectory> directory, Clock clock,
            Health health, Fence fence, List<SyncedType<?, ?>> types, AcceptedWrites accepted, BooleanSupplier running) {
        this.settings = settings;
        this.store = store;
        this.client = client;
        this.directory = directory;
        this.clock = clock;
        this.health = health;
        this.fence = fence;
        this.types = types;
        this.accepted = accepted;
        this.running = running;
    }

    /**
     * Before every request to Wazzup and between steps: ends the step when the engine stops, and refuses
     * when it was replaced (fenced).
     */
    void check() {
        if (!running.getAsBoolean()) {
            throw new Abort();
        }
        fence.check();
    }

    boolean running() {
        return running.getAsBoolean();
    }
}
