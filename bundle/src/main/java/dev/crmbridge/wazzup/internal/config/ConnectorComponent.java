package dev.crmbridge.wazzup.internal.config;

import dev.crmbridge.wazzup.api.WazzupConnector;
import dev.crmbridge.wazzup.api.event.CrmEvents;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.spi.CrmEntityFactory;
import dev.crmbridge.wazzup.api.spi.CrmSession;
import dev.crmbridge.wazzup.api.chat.ChatWindows;
import dev.crmbridge.wazzup.api.chat.Unanswered;
import dev.crmbridge.wazzup.api.chat.UnansweredCounters;
import dev.crmbridge.wazzup.internal.chat.ChatDeals;
import dev.crmbridge.wazzup.internal.chat.ChatService;
import dev.crmbridge.wazzup.internal.chat.Chats;
import dev.crmbridge.wazzup.internal.store.OutboxRow;
import java.net.URI;
import dev.crmbridge.wazzup.api.sync.DeadLetter;
import dev.crmbridge.wazzup.api.sync.EntityStatus;
import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.api.sync.SyncStatus;
import dev.crmbridge.wazzup.api.sync.WebhookState;
import dev.crmbridge.wazzup.internal.client.RateLimiters;
import dev.crmbridge.wazzup.internal.client.RetryPolicy;
import dev.crmbridge.wazzup.internal.client.WazzupClient;
import dev.crmbridge.wazzup.internal.wauth.WAuth;
import dev.crmbridge.wazzup.internal.store.EmbeddedDatabase;
import dev.crmbridge.wazzup.internal.store.SyncStore;
import dev.crmbridge.wazzup.internal.sync.ChangeCapture;
import dev.crmbridge.wazzup.internal.sync.SyncEngine;
import dev.crmbridge.wazzup.internal.sync.Payloads;
import dev.crmbridge.wazzup.internal.sync.SyncSettings;
import dev.crmbridge.wazzup.internal.webhook.Webhooks;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Dictionary;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.EventAdmin;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import java.util.Hashtable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The root of a configured connector: validates the configuration, opens the store, builds the
 * Wazzup client and runs the sync engine. It records the host's change events (an
 * {@link EventHandler} on {@value CrmEvents#TOPIC_ALL}) and publishes {@link SyncStatus}. Without a
 * configuration under {@value WazzupConnector#PID} nothing runs.
 */
@Component(
        name = WazzupConnector.PID,
        configurationPid = WazzupConnector.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true,
        // no DS-registered service: DS would publish every configuration property (the API key and the
        // secrets among them) as service properties, and EventAdmin would reach the handler through
        // SCR's service factory, whose lock a configuration change holds. See register().
        service = {})
@Designate(ocd = ConnectorConfiguration.class)
public final class ConnectorComponent implements SyncStatus, EventHandler, ChatWindows, UnansweredCounters {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectorComponent.class);

    /** The engine's client retries briefly; longer outages are the engine's pause to ride out. */
    static final RetryPolicy ENGINE_RETRIES = new RetryPolicy(4, Duration.ofMillis(500), Duration.ofSeconds(4));

    private final BundleContext context;
    private final ConfigurationAdmin configAdmin;
    private final DataSource hostDataSource;
    private volatile Storage storage;
    private volatile EmbeddedDatabase embedded;
    private volatile SyncStore store;
    /** The configuration the runtime was built from, without the webhook secret. */
    private volatile Map<String, Object> applied;
    /** What a configuration change replaces: settings, client, engine, webhooks. Swapped whole. */
    private volatile Runtime runtime;
    private ServiceRegistration<?> registration;
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicLong lateEvents = new java.util.concurrent.atomic.AtomicLong();
    /** The secret this component generated and wrote to the configuration, until the change comes back. */
    private volatile String generatedSecret;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, bind = "bindDirectory", unbind = "unbindDirectory")
    private volatile CrmDirectory directory;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile CrmEntityFactory factory;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile CrmSession session;

    /** One configuration's working parts. */
    private final class Runtime implements AutoCloseable {
        final ConnectorSettings settings;
        final WazzupClient client;
        final SyncEngine engine;
        final ChangeCapture capture;
        final Webhooks webhooks;
        final Chats chats;
        final WAuth wauth;

        Runtime(ConnectorSettings settings, String secret) {
            this.settings = settings;
            this.client = settings.hasApiKey() ? WazzupClient.builder()
                    .baseUrl(settings.apiBaseUrl())
                    .apiKey(settings.apiKey())
                    .connectTimeout(settings.connectTimeout())
                    .responseTimeout(settings.responseTimeout())
                    .rateBudget(settings.rateBudget(), RateLimiters.WAZZUP_WINDOW)
                    .retryPolicy(ENGINE_RETRIES)
                    .build() : null;
            SyncSettings sync = new SyncSettings(settings.scheme(), settings.batchDelay(), settings.retryMaxDelay(),
                    settings.reconcileInterval(), settings.reconcileDeletes(), settings.initialSync(), settings.phoneRules(),
                    settings.apiKeyDigest());
            this.engine = new SyncEngine(sync, store, client, () -> directory, Clock.systemUTC());
            this.capture = new ChangeCapture(engine);
            Payloads payloads = new Payloads(settings.phoneRules());
            ChatService chatService = new ChatService(client, () -> directory, payloads,
                    new ChatService.Options(settings.clientType(), settings.chatDealEvents()), settings.counterTtl(),
                    settings.responseTimeout(), Clock.systemUTC());
            SyncEngine e = engine;
            ChatDeals deals = new ChatDeals(() -> factory, store, payloads,
                    id -> e.record(EntityType.DEAL, List.of(id), OutboxRow.Op.SAVE), settings.dealPipelineId(),
                    settings.dealStageId(), Clock.systemUTC());
            this.webhooks = new Webhooks(context, new Webhooks.Config(settings.webhookPath(), secret, settings.crmKey(),
                    settings.webhookMaxBodyBytes(), settings.publicBaseUrl(), settings.dealPipelineId(), settings.dealStageId()),
                    store, client, () -> directory, () -> factory, () -> eventAdmin, payloads,
                    settings.scheme(), Clock.systemUTC(), List.of(chatService::messagesArrived));
            this.chats = new Chats(context, settings.chatPath(), (int) settings.counterPoll().toSeconds(), chatService, deals,
                    () -> session, settings.chatDealEvents());
            this.wauth = new WAuth(context, settings.connectPath(), settings.crmCode(), settings.wauthEnabled(),
                    () -> session, new WAuth.Connector() {
                        @Override
                        public String connect(String state, String crmKey) {
                            // no API key yet: a client of its own, for this one call
                            try (WazzupClient keyless = WazzupClient.builder().baseUrl(settings.apiBaseUrl())
                                    .connectTimeout(settings.connectTimeout()).responseTimeout(settings.responseTimeout())
                                    .retryPolicy(ENGINE_RETRIES).build()) {
                                return keyless.wauth().connect(state, settings.wauthSecret(), crmKey);
                            }
                        }

                        @Override
                        public void store(String apiKey, String crmKey) throws java.io.IOException {
                            storeConnection(apiKey, crmKey);
                        }
                    });
        }

        @Override
        public void close() {
            wauth.close();
            chats.close();
            webhooks.close();
            engine.stop();
            if (client != null) {
                client.close(); // a request in flight ends now, so the dispatcher stops promptly
            }
            engine.close();
        }
    }

    @Activate
    public ConnectorComponent(BundleContext context, ConnectorConfiguration config, Map<String, Object> properties,
            @Reference(name = "dataSource", cardinality = ReferenceCardinality.OPTIONAL,
                    policyOption = ReferencePolicyOption.GREEDY) DataSource hostDataSource,
            @Reference ConfigurationAdmin configAdmin) {
        this.context = context;
        this.configAdmin = configAdmin;
        this.hostDataSource = hostDataSource;
        ConnectorSettings settings = ConnectorSettings.from(config);
        openStore(settings.storage());
        Runtime r = new Runtime(settings, secretOf(settings));
        this.runtime = r;
        this.applied = withoutSecret(properties);
        r.engine.start();
        started(settings);
        this.registration = register();
    }

    /** The published services: a plain object with only the properties named here. */
    private ServiceRegistration<?> register() {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, CrmEvents.TOPIC_ALL);
        props.put(org.osgi.framework.Constants.SERVICE_DESCRIPTION, "Wazzup connector");
        return context.registerService(new String[] {SyncStatus.class.getName(), EventHandler.class.getName(),
                ChatWindows.class.getName(), UnansweredCounters.class.getName()}, this, props);
    }

    private void openStore(Storage mode) {
        DataSource dataSource;
        if (mode == Storage.DATA_SOURCE) {
            if (hostDataSource == null) {
                throw new IllegalStateException("storage is DATA_SOURCE but no DataSource service matches "
                        + "dataSource.target; the connector starts when one is registered");
            }
            this.embedded = null;
            dataSource = hostDataSource;
        } else {
            this.embedded = new EmbeddedDatabase(context.getDataFile("store"));
            dataSource = embedded.dataSource();
        }
        SyncStore s = new SyncStore(dataSource, "default");
        s.migrate();
        this.store = s;
        this.storage = mode;
    }

    /**
     * A configuration change: the runtime is replaced while the event handler stays registered, so
     * that no host event is lost (rows recorded meanwhile wait in the store). The secret this component
     * generated coming back in the configuration changes nothing.
     */
    @Modified
    void modified(ConnectorConfiguration config, Map<String, Object> properties) {
        ConnectorSettings settings = ConnectorSettings.from(config);
        Map<String, Object> next = withoutSecret(properties);
        Runtime old = runtime;
        boolean secretCameBack = settings.webhookSecret().equals(generatedSecret);
        if (next.equals(applied) && secretCameBack) {
            return;
        }
        java.util.Set<String> changed = new java.util.TreeSet<>(next.keySet());
        changed.addAll(applied.keySet());
        changed.removeIf(k -> java.util.Objects.equals(next.get(k), applied.get(k)));
        // names only: values may be secrets
        LOG.info("Wazzup connector: configuration changed ({}{}), restarting its parts", changed,
                secretCameBack ? "" : ", webhookSecret");
        if (settings.storage() != storage) {
            old.close();
            if (embedded != null) {
                embedded.close();
            }
            openStore(settings.storage());
            Runtime fresh = new Runtime(settings, secretOf(settings));
            runtime = fresh;
            applied = next;
            fresh.engine.start();
            started(settings);
            return;
        }
        // the old runtime's servlets go first (one registration per path), its dispatcher may take a
        // moment to stop: the new one starts after it, off the configuration thread, so that SCR is not
        // held and two dispatchers never run at once
        old.wauth.close();
        old.chats.close();
        old.webhooks.close();
        Runtime fresh = new Runtime(settings, secretOf(settings));
        runtime = fresh;
        applied = next;
        Thread handover = new Thread(() -> {
            old.close();
            if (runtime == fresh) {
                fresh.engine.start();
                started(settings);
            }
        }, "wazzup-reconfigure");
        handover.setDaemon(true);
        handover.start();
        this.handover = handover;
    }

    /** The thread that stops the previous runtime and starts the current one, after a change. */
    private volatile Thread handover;

    /** Configuration properties that matter for the runtime: all but the secret and the framework's own. */
    private static Map<String, Object> withoutSecret(Map<String, Object> properties) {
        Map<String, Object> out = new java.util.TreeMap<>();
        properties.forEach((k, v) -> {
            if (!k.equals("webhookSecret") && !k.startsWith("service.") && !k.startsWith("component.")
                    && !k.startsWith("felix.") && !k.equals("event.topics")) {
                out.put(k, v instanceof Object[] a ? java.util.Arrays.asList(a) : v);
            }
        });
        return out;
    }

    private String secretOf(ConnectorSettings settings) {
        if (!settings.webhookSecret().isEmpty()) {
            return settings.webhookSecret();
        }
        String s = storeNewSecret(configAdmin);
        generatedSecret = s;
        return s;
    }

    private static void started(ConnectorSettings settings) {
        // settings.toString() masks the key and the secrets
        LOG.info("Wazzup connector running: {}", settings);
        if (!settings.hasApiKey()) {
            LOG.warn("Wazzup connector has no API key yet: changes are recorded; set '{}' in {} or connect by button",
                    WazzupConnector.PROPERTY_API_KEY, WazzupConnector.PID);
        }
    }

    /**
     * A fresh random URL secret, written to the configuration (which comes back as a change that
     * {@link #modified} recognises). Used at once, so the servlet is never reachable without a secret.
     */
    private static String storeNewSecret(ConfigurationAdmin configAdmin) {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        try {
            Configuration c = configAdmin.getConfiguration(WazzupConnector.PID, "?");
            Dictionary<String, Object> props = c.getProperties();
            if (props != null) {
                props.put("webhookSecret", secret);
                c.update(props);
                LOG.info("Wazzup connector: generated a webhook secret and stored it in {}", WazzupConnector.PID);
            }
        } catch (java.io.IOException e) {
            LOG.warn("Wazzup connector: could not store the generated webhook secret; it changes at the next start");
        }
        return secret;
    }

    /**
     * WAuth connected an account: its API key and the crmKey go into the configuration, whose change
     * restarts the parts with them (webhooks subscribed with the crmKey, the initial sync).
     */
    private void storeConnection(String apiKey, String crmKey) throws java.io.IOException {
        Configuration c = configAdmin.getConfiguration(WazzupConnector.PID, "?");
        Dictionary<String, Object> props = c.getProperties();
        if (props == null) {
            throw new java.io.IOException("the configuration is gone");
        }
        props.put(WazzupConnector.PROPERTY_API_KEY, apiKey);
        props.put("crmKey", crmKey);
        c.update(props);
    }

    void bindDirectory(CrmDirectory d) {
        this.directory = d;
        Runtime r = runtime;
        if (r != null) {
            r.engine.wake();
        }
    }

    void unbindDirectory(CrmDirectory d) {
        if (this.directory == d) {
            this.directory = null;
        }
    }

    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework is stopping
        }
        closed = true;
        Thread h = handover;
        if (h != null) {
            try {
                h.join(20_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        runtime.close();
        if (embedded != null) {
            embedded.close();
        }
        LOG.info("Wazzup connector stopped");
    }

    /** The validated settings this component runs with. */
    public ConnectorSettings settings() {
        return runtime.settings;
    }

    // ---------------------------------------------------------------- EventHandler

    @Override
    public void handleEvent(Event event) {
        if (closed) {
            late(event);
            return;
        }
        try {
            runtime.capture.handle(event);
        } catch (RuntimeException e) {
            if (!closed) {
                throw e;
            }
            late(event); // stopped while recording it
        }
    }

    /** EventAdmin may still deliver what was queued before the unregistration. */
    private void late(Event event) {
        if (lateEvents.getAndIncrement() == 0) {
            LOG.warn("Wazzup connector: host events arrive after it stopped and are not recorded ({}); "
                    + "the next reconciliation sends what they changed", event.getTopic());
        }
    }

    // ---------------------------------------------------------------- SyncStatus

    @Override
    public Map<EntityType, EntityStatus> entities() {
        return runtime.engine.entities();
    }

    @Override
    public boolean running() {
        return runtime.engine.running();
    }

    @Override
    public String problem() {
        return runtime.engine.problem();
    }

    @Override
    public WebhookState webhooks() {
        return runtime.webhooks.state();
    }

    @Override
    public boolean initialSyncComplete() {
        return runtime.engine.initialSyncComplete();
    }

    @Override
    public List<DeadLetter> deadLetters() {
        return runtime.engine.deadLetters();
    }

    @Override
    public boolean retry(DeadLetter deadLetter) {
        return runtime.engine.retry(deadLetter);
    }

    @Override
    public void resyncAll() {
        runtime.engine.resyncAll();
    }

    // ---------------------------------------------------------------- ChatWindows, UnansweredCounters

    @Override
    public URI global(String userId) {
        return runtime.chats.service().global(userId);
    }

    @Override
    public URI contact(String userId, String contactId) {
        return runtime.chats.service().contact(userId, contactId);
    }

    @Override
    public URI deal(String userId, String dealId) {
        return runtime.chats.service().deal(userId, dealId);
    }

    @Override
    public Unanswered of(String userId) {
        return runtime.chats.service().of(userId);
    }
}
