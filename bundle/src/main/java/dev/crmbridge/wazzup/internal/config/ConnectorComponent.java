package dev.crmbridge.wazzup.internal.config;

import dev.crmbridge.wazzup.api.WazzupConnector;
import dev.crmbridge.wazzup.api.event.CrmEvents;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.spi.CrmEntityFactory;
import dev.crmbridge.wazzup.api.sync.DeadLetter;
import dev.crmbridge.wazzup.api.sync.EntityStatus;
import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.api.sync.SyncStatus;
import dev.crmbridge.wazzup.api.sync.WebhookState;
import dev.crmbridge.wazzup.internal.client.RateLimiters;
import dev.crmbridge.wazzup.internal.client.RetryPolicy;
import dev.crmbridge.wazzup.internal.client.WazzupClient;
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
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
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
        service = {SyncStatus.class, EventHandler.class},
        property = EventConstants.EVENT_TOPIC + "=" + CrmEvents.TOPIC_ALL)
@Designate(ocd = ConnectorConfiguration.class)
public final class ConnectorComponent implements SyncStatus, EventHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectorComponent.class);

    /** The engine's client retries briefly; longer outages are the engine's pause to ride out. */
    static final RetryPolicy ENGINE_RETRIES = new RetryPolicy(4, Duration.ofMillis(500), Duration.ofSeconds(4));

    private final ConnectorSettings settings;
    private final EmbeddedDatabase embedded;
    private final WazzupClient client;
    private final SyncEngine engine;
    private final ChangeCapture capture;
    private final Webhooks webhooks;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, bind = "bindDirectory", unbind = "unbindDirectory")
    private volatile CrmDirectory directory;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile CrmEntityFactory factory;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    @Activate
    public ConnectorComponent(BundleContext context, ConnectorConfiguration config,
            @Reference(name = "dataSource", cardinality = ReferenceCardinality.OPTIONAL,
                    policyOption = ReferencePolicyOption.GREEDY) DataSource hostDataSource,
            @Reference ConfigurationAdmin configAdmin) {
        this.settings = ConnectorSettings.from(config);
        DataSource dataSource;
        if (settings.storage() == Storage.DATA_SOURCE) {
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
        SyncStore store = new SyncStore(dataSource, "default");
        store.migrate();
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
        engine.start();
        String secret = settings.webhookSecret().isEmpty() ? storeNewSecret(configAdmin) : settings.webhookSecret();
        this.webhooks = new Webhooks(context, new Webhooks.Config(settings.webhookPath(), secret, settings.crmKey(),
                settings.webhookMaxBodyBytes(), settings.publicBaseUrl(), settings.dealPipelineId(), settings.dealStageId()),
                store, client, () -> directory, () -> factory, () -> eventAdmin, new Payloads(settings.phoneRules()),
                settings.scheme(), Clock.systemUTC(), List.of());
        // settings.toString() masks the key
        LOG.info("Wazzup connector started: {}", settings);
        if (!settings.hasApiKey()) {
            LOG.warn("Wazzup connector has no API key yet: changes are recorded; set '{}' in {} or connect by button",
                    WazzupConnector.PROPERTY_API_KEY, WazzupConnector.PID);
        }
    }

    /**
     * A fresh random URL secret, written to the configuration (which restarts the component with it).
     * Used for this activation too, so that the servlet is never reachable without a secret.
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

    void bindDirectory(CrmDirectory d) {
        this.directory = d;
        SyncEngine e = engine;
        if (e != null) {
            e.wake();
        }
    }

    void unbindDirectory(CrmDirectory d) {
        if (this.directory == d) {
            this.directory = null;
        }
    }

    @Deactivate
    void deactivate() {
        webhooks.close();
        engine.close();
        if (client != null) {
            client.close();
        }
        if (embedded != null) {
            embedded.close();
        }
        LOG.info("Wazzup connector stopped");
    }

    /** The validated settings this component runs with. */
    public ConnectorSettings settings() {
        return settings;
    }

    // ---------------------------------------------------------------- EventHandler

    @Override
    public void handleEvent(Event event) {
        capture.handle(event);
    }

    // ---------------------------------------------------------------- SyncStatus

    @Override
    public Map<EntityType, EntityStatus> entities() {
        return engine.entities();
    }

    @Override
    public boolean running() {
        return engine.running();
    }

    @Override
    public String problem() {
        return engine.problem();
    }

    @Override
    public WebhookState webhooks() {
        return webhooks.state();
    }

    @Override
    public boolean initialSyncComplete() {
        return engine.initialSyncComplete();
    }

    @Override
    public List<DeadLetter> deadLetters() {
        return engine.deadLetters();
    }

    @Override
    public boolean retry(DeadLetter deadLetter) {
        return engine.retry(deadLetter);
    }

    @Override
    public void resyncAll() {
        engine.resyncAll();
    }
}
