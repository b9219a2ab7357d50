package dev.crmbridge.wazzup.internal.config;

import dev.crmbridge.wazzup.api.IntegrationScheme;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.spi.CrmEntityFactory;
import dev.crmbridge.wazzup.api.spi.CrmSession;
import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.internal.client.RateLimiters;
import dev.crmbridge.wazzup.internal.client.RetryPolicy;
import dev.crmbridge.wazzup.internal.client.TimeSource;
import dev.crmbridge.wazzup.internal.store.OutboxRow;
import dev.crmbridge.wazzup.internal.store.StoreHandle;
import dev.crmbridge.wazzup.internal.sync.ChangeRecorder;
import dev.crmbridge.wazzup.internal.sync.SyncSettings;
import dev.crmbridge.wazzup.internal.web.Whiteboard;
import java.io.File;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.osgi.service.event.EventAdmin;

/**
 * The connector's runtime wired as the component wires it ({@link ConnectorRuntime}, a
 * {@link ChangeRecorder} before it, {@link ConnectorStatus} over both), without a framework: for unit
 * tests and benchmarks.
 */
public final class TestRuntime implements AutoCloseable {

    /** How a test runtime is made. */
    public static final class Builder {
        private final Map<String, Object> config = new HashMap<>();
        private SyncSettings sync;
        private Supplier<CrmDirectory> directory = () -> null;
        private Supplier<CrmEntityFactory> factory = () -> null;
        private Supplier<EventAdmin> events = () -> null;
        private Supplier<CrmSession> session = () -> null;
        private Whiteboard whiteboard = TestRuntime.NO_WHITEBOARD;
        private File directoryOfStore;
        private DataSource dataSource;
        private dev.crmbridge.wazzup.internal.cluster.Cluster.Settings node;
        private RetryPolicy retries = new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(50));
        private RateLimiters limiters = new RateLimiters(TimeSource.SYSTEM);
        private Clock clock = Clock.systemUTC();

        /** The account: Wazzup's base URL (without /v3) and an API key. */
        public Builder wazzup(URI baseUrl, String apiKey) {
            config.put("apiBaseUrl", baseUrl.toString());
            config.put("apiKey", apiKey);
            return this;
        }

        /** A configuration property, as ConfigAdmin would give it. */
        public Builder config(String name, Object value) {
            config.put(name, value);
            return this;
        }

        /** How the engine syncs (default: from the configuration). */
        public Builder sync(SyncSettings settings) {
            this.sync = settings;
            config.put("scheme", settings.scheme());
            return this;
        }

        public Builder directory(Supplier<CrmDirectory> d) {
            this.directory = d;
            return this;
        }

        public Builder factory(Supplier<CrmEntityFactory> f) {
            this.factory = f;
            return this;
        }

        public Builder events(Supplier<EventAdmin> e) {
            this.events = e;
            return this;
        }

        public Builder session(Supplier<CrmSession> s) {
            this.session = s;
            return this;
        }

        public Builder whiteboard(Whiteboard w) {
            this.whiteboard = w;
            return this;
        }

        /** The embedded H2 store in this folder. */
        public Builder store(File folder) {
            this.directoryOfStore = folder;
            return this;
        }

        /** The host's database instead of the embedded one. */
        public Builder store(DataSource ds) {
            this.dataSource = ds;
            return this;
        }

        /** A node of a cluster on the {@link #store(DataSource)} (PostgreSQL): its name and lease. */
        public Builder node(String name, java.time.Duration lease) {
            this.node = new dev.crmbridge.wazzup.internal.cluster.Cluster.Settings(name, "test", lease);
            return this;
        }

        public Builder retries(RetryPolicy policy) {
            this.retries = policy;
            return this;
        }

        /** The runtime's clock (the recorder keeps the system's). */
        public Builder clock(Clock c) {
            this.clock = c;
            return this;
        }

        public Builder limiters(RateLimiters l) {
            this.limiters = l;
            return this;
        }

        public TestRuntime start() {
            return new TestRuntime(this);
        }
    }

    /** Registers nothing: the servlets are not needed. */
    public static final Whiteboard NO_WHITEBOARD = new Whiteboard() {
        @Override
        public Registration register(javax.servlet.Servlet servlet, String pattern, String name) {
            return () -> { };
        }

        @Override
        public <T> Registration publish(Class<T> type, T service, java.util.Dictionary<String, ?> properties) {
            return () -> { };
        }
    };

    /** The retries the component gives the engine's client. */
    public static final RetryPolicy ENGINE_RETRIES = ConnectorRuntime.ENGINE_RETRIES;

    public static Builder builder() {
        return new Builder();
    }

    public final StoreHandle storage;
    public final ChangeRecorder recorder;
    public final ConnectorRuntime runtime;
    public final ConnectorStatus status;
    public final ConnectorSettings settings;
    /** When the runtime was started ({@link System#nanoTime()}). */
    public final long startedNanos;
    private boolean stopped;

    private TestRuntime(Builder b) {
        this.settings = ConnectorSettings.from(TestConfigs.of(ConnectorConfiguration.class, b.config));
        this.storage = b.dataSource != null ? StoreHandle.of(b.dataSource, "default", b.node)
                : StoreHandle.embedded(b.directoryOfStore, "default");
        ConnectorRuntime[] current = new ConnectorRuntime[1];
        this.recorder = new ChangeRecorder(() -> current[0], Clock.systemUTC());
        SyncSettings sync = b.sync != null ? b.sync : ConnectorRuntime.syncSettings(settings);
        this.runtime = new ConnectorRuntime(settings, sync, "test-webhook-secret-000000000000", storage,
                new ConnectorRuntime.Host(b.directory, b.factory, b.events, b.session, b.whiteboard, (key, crmKey) -> { }),
                recorder, new ConnectorRuntime.Options(b.clock, b.retries, b.limiters));
        current[0] = runtime;
        this.status = new ConnectorStatus(() -> runtime, recorder);
        this.startedNanos = System.nanoTime();
        runtime.start();
    }

    /** The host reports changes, as its events would. */
    public void record(EntityType type, List<String> ids, OutboxRow.Op op) {
        recorder.record(type, ids, op);
    }

    /** Stops as a bundle stop does: the recorder stores what it holds, the runtime stops, the store closes. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        recorder.close(Duration.ofSeconds(5));
        runtime.close(Duration.ofSeconds(2));
        storage.close();
    }

    @Override
    public void close() {
        stop();
    }

    /** The scheme the runtime syncs. */
    public IntegrationScheme scheme() {
        return settings.scheme();
    }
}
