package dev.crmbridge.wazzup.internal.config;

import dev.crmbridge.wazzup.api.message.Channel;
import dev.crmbridge.wazzup.api.sync.ClusterState;
import dev.crmbridge.wazzup.api.sync.DeadLetter;
import dev.crmbridge.wazzup.api.sync.EntityStatus;
import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.api.sync.SetAsideNotification;
import dev.crmbridge.wazzup.api.sync.SyncStatus;
import dev.crmbridge.wazzup.api.sync.WebhookState;
import dev.crmbridge.wazzup.internal.ops.Operable;
import dev.crmbridge.wazzup.internal.store.FencedException;
import dev.crmbridge.wazzup.internal.sync.ChangeRecorder;
import dev.crmbridge.wazzup.internal.sync.Outage;
import dev.crmbridge.wazzup.internal.webhook.Verification;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** {@link SyncStatus} of the current runtime, with the changes the recorder has not stored yet. */
public final class ConnectorStatus implements Operable {

    private final Supplier<ConnectorRuntime> runtime;
    private final ChangeRecorder recorder;
    private final Supplier<String> configuration;

    public ConnectorStatus(Supplier<ConnectorRuntime> runtime, ChangeRecorder recorder) {
        this(runtime, recorder, () -> null);
    }

    /** @param configuration why the last configuration change could not take effect, or null */
    public ConnectorStatus(Supplier<ConnectorRuntime> runtime, ChangeRecorder recorder, Supplier<String> configuration) {
        this.runtime = runtime;
        this.recorder = recorder;
        this.configuration = configuration;
    }

    @Override
    public Map<EntityType, EntityStatus> entities() {
        return runtime.get().engine().entities(recorder.unstoredByType());
    }

    @Override
    public boolean running() {
        return runtime.get().engine().running();
    }

    @Override
    public String problem() {
        String c = configuration.get();
        if (c != null) {
            return c;
        }
        String p = recorder.problem();
        return p != null ? p : runtime.get().problem();
    }

    @Override
    public WebhookState webhooks() {
        return runtime.get().webhooks().state();
    }

    @Override
    public boolean initialSyncComplete() {
        return runtime.get().engine().initialSyncComplete();
    }

    @Override
    public List<DeadLetter> deadLetters() {
        return runtime.get().engine().deadLetters();
    }

    @Override
    public boolean retry(DeadLetter deadLetter) {
        return onCurrent(r -> r.engine().retry(deadLetter));
    }

    @Override
    public void resyncAll() {
        onCurrent(r -> {
            r.engine().resyncAll();
            return null;
        });
    }

    @Override
    public ClusterState cluster() {
        return runtime.get().storage().clusterState();
    }

    /**
     * Runs a lever on the current runtime; one that a configuration change fenced meanwhile is asked
     * again of its successor (for up to 10 s), so an administrator's click is never lost to a restart.
     */
    private <T> T onCurrent(java.util.function.Function<ConnectorRuntime, T> lever) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            ConnectorRuntime r = runtime.get();
            try {
                return lever.apply(r);
            } catch (FencedException e) {
                while (runtime.get() == r && System.nanoTime() < deadline) {
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw e;
                    }
                }
                if (runtime.get() == r) {
                    throw e;
                }
            }
        }
    }

    // ------------------------------------------------ for the health check, the shell and the console

    @Override
    public boolean hasKey() {
        return runtime.get().engine().hasKey();
    }

    @Override
    public Outage outage() {
        return runtime.get().engine().outage();
    }

    @Override
    public Instant oldestPending() {
        return runtime.get().engine().oldestPending();
    }

    @Override
    public Duration pendingWarnAfter() {
        return runtime.get().settings().healthPendingWarn();
    }

    @Override
    public List<Channel> channels() {
        return runtime.get().channels().known();
    }

    @Override
    public Verification verifyWebhooks() {
        return runtime.get().webhooks().verifyNow(Duration.ofSeconds(10));
    }

    @Override
    public String storeProblem() {
        return recorder.unstored() > 0 ? recorder.problem() : null;
    }

    @Override
    public int retryAll() {
        int n = 0;
        for (DeadLetter d : deadLetters()) {
            if (retry(d)) {
                n++;
            }
        }
        return n;
    }

    @Override
    public long unstoredChanges() {
        return recorder.unstored();
    }

    @Override
    public List<SetAsideNotification> setAsideNotifications() {
        return runtime.get().webhooks().setAside(1_000);
    }
}
