package dev.crmbridge.wazzup.internal.config;

import dev.crmbridge.wazzup.api.WazzupConnector;
import dev.crmbridge.wazzup.api.account.Accounts;
import dev.crmbridge.wazzup.api.chat.ChatWindows;
import dev.crmbridge.wazzup.api.chat.Unanswered;
import dev.crmbridge.wazzup.api.chat.UnansweredCounters;
import dev.crmbridge.wazzup.api.event.CrmEvents;
import dev.crmbridge.wazzup.api.message.Channels;
import dev.crmbridge.wazzup.api.message.Messages;
import dev.crmbridge.wazzup.api.message.Templates;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.spi.CrmEntityFactory;
import dev.crmbridge.wazzup.api.spi.CrmSession;
import dev.crmbridge.wazzup.api.sync.SyncStatus;
import dev.crmbridge.wazzup.api.sync.TransactionalChanges;
import dev.crmbridge.wazzup.internal.cluster.Cluster;
import dev.crmbridge.wazzup.internal.ops.ConnectorMBean;
import dev.crmbridge.wazzup.internal.store.Handover;
import dev.crmbridge.wazzup.internal.store.Store;
import dev.crmbridge.wazzup.internal.store.StoreHandle;
import dev.crmbridge.wazzup.internal.sync.ChangeCapture;
import dev.crmbridge.wazzup.internal.sync.ChangeRecorder;
import dev.crmbridge.wazzup.internal.util.Metrics;
import dev.crmbridge.wazzup.internal.web.Whiteboard;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Wazzup account's connector: its runtime (sync, webhooks, chat, messages) over its store, replaced in place
 * on a configuration change, with the services it publishes (the event handler, {@code ChatWindows},
 * {@code UnansweredCounters}, {@code SyncStatus}, the messaging services) and its JMX bean. The DS component that
 * owns its configuration creates it and hands it the host's services as suppliers.
 */
public final class Account implements EventHandler, ChatWindows, UnansweredCounters {

    private static final Logger LOG = LoggerFactory.getLogger(Account.class);

    /** How long a replaced runtime's request in flight may take before its client is closed. */
    static final Duration HANDOVER_GRACE = Duration.ofSeconds(20);
    /** How long stopping waits for the host's last changes to be stored. */
    static final Duration STOP_FLUSH = Duration.ofSeconds(5);

    private final BundleContext context;
    private final DataSource hostDataSource;
    private final Secrets secrets;
    private final ChangeRecorder recorder;
    private final ChangeCapture capture;
    /** Replaced runtimes are closed, and new ones started, one after the other on this thread. */
    private final ExecutorService handover = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "wazzup-reconfigure");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong lateEvents = new AtomicLong();
    private final List<ServiceRegistration<?>> registrations;
    private volatile StoreHandle storage;
    /** The cluster's connection (key, crmKey, webhook secret) in the shared store; null when alone. */
    private volatile SharedConnection shared;
    private volatile Storage storageMode;
    /** The configuration the runtime was built from, without the webhook secret. */
    private volatile Map<String, Object> applied;
    private volatile ConnectorRuntime runtime;
    /** What the connector counts (requests, webhooks, counter fetches), kept across configuration changes. */
    private final Metrics metrics = new Metrics();
    private ConnectorMBean mbean;
    private volatile boolean closed;
    /** Why the last configuration change could not take effect, or null. */
    private volatile String configurationProblem;

    private final AccountId id;
    private final Supplier<CrmDirectory> directory;
    private final Supplier<CrmEntityFactory> factory;
    private final Supplier<EventAdmin> eventAdmin;
    private final Supplier<CrmSession> session;

    /** The host's services come as suppliers: the owning component's references, which change while it runs. */
    public Account(AccountId id, BundleContext context, ConnectorConfiguration config, Map<String, Object> properties,
            DataSource hostDataSource, ConfigurationAdmin configAdmin, Supplier<CrmDirectory> directory,
            Supplier<CrmEntityFactory> factory, Supplier<EventAdmin> eventAdmin, Supplier<CrmSession> session) {
        this.id = id;
        this.directory = directory;
        this.factory = factory;
        this.eventAdmin = AccountEvents.tagging(eventAdmin, id.name());
        this.session = session;
        this.context = context;
        this.hostDataSource = hostDataSource;
        this.secrets = new Secrets(configAdmin);
        ConnectorSettings settings = ConnectorSettings.from(config, secrets.raw());
        this.storage = open(settings);
        this.storageMode = settings.storage();
        this.shared = share(storage, settings);
        this.recorder = new ChangeRecorder(() -> runtime, Clock.systemUTC());
        this.capture = new ChangeCapture(recorder);
        this.runtime = build(settings);
        this.applied = Secrets.withoutSecret(properties);
        runtime.start();
        started(settings);
        this.registrations = register();
    }

    /**
     * The published services: plain objects with only the properties named here. The event handler comes
     * first and {@link SyncStatus} last, so a host that takes {@code SyncStatus} as the sign that the
     * connector is ready finds its events handled from then on.
     */
    private List<ServiceRegistration<?>> register() {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_DESCRIPTION, "Wazzup connector");
        props.put(Accounts.SERVICE_PROPERTY, id.name());
        Hashtable<String, Object> handlerProps = new Hashtable<>(props);
        handlerProps.put(EventConstants.EVENT_TOPIC, CrmEvents.TOPIC_ALL);
        ServiceRegistration<?> handler = context.registerService(new String[] {EventHandler.class.getName(),
            ChatWindows.class.getName(), UnansweredCounters.class.getName()}, this, handlerProps);
        ServiceRegistration<?> transactional = context.registerService(TransactionalChanges.class,
                new HostTransactions(() -> runtime), props);
        MessagingServices messaging = new MessagingServices(() -> runtime);
        ServiceRegistration<?> messages = context.registerService(Messages.class, messaging, props);
        ServiceRegistration<?> channels = context.registerService(Channels.class, messaging.channels(), props);
        ServiceRegistration<?> templates = context.registerService(Templates.class, messaging.templates(), props);
        ConnectorStatus statusService = new ConnectorStatus(() -> runtime, recorder, () -> configurationProblem);
        ServiceRegistration<?> status = context.registerService(SyncStatus.class, statusService, props);
        // after every service: the first use of the platform MBean server takes a while
        this.mbean = new ConnectorMBean(statusService, this, metrics, id.jmxName()).register();
        return List.of(status, transactional, messages, channels, templates, handler);
    }

    private StoreHandle open(ConnectorSettings settings) {
        if (settings.storage() == Storage.DATA_SOURCE) {
            if (hostDataSource == null) {
                throw new IllegalStateException("storage is DATA_SOURCE but no DataSource service matches "
                        + "dataSource.target; the connector starts when one is registered");
            }
            return StoreHandle.of(hostDataSource, id.name(), node(settings));
        }
        return StoreHandle.embedded(context.getDataFile("store"), id.name(), node(settings));
    }

    /** In a cluster: the connection every node shares, followed from now on. */
    private SharedConnection share(StoreHandle handle, ConnectorSettings settings) {
        if (handle.cluster() == null) {
            return null;
        }
        SharedConnection s = new SharedConnection(handle.store(), settings.clusterNode(), new SharedConnection.Local() {
            @Override
            public void adopt(String apiKey, String crmKey, String webhookSecret) throws java.io.IOException {
                secrets.adopt(apiKey, crmKey, webhookSecret);
            }

            @Override
            public String[] current() {
                return secrets.current();
            }
        });
        s.follow(handle.cluster());
        return s;
    }

    private static Cluster.Settings node(ConnectorSettings settings) {
        return new Cluster.Settings(settings.clusterNode(), "pid " + ProcessHandle.current().pid(), settings.clusterLease());
    }

    private ConnectorRuntime build(ConnectorSettings settings) {
        ConnectorRuntime.Host host = new ConnectorRuntime.Host(directory, factory, eventAdmin, session,
                Whiteboard.of(context, Accounts.SERVICE_PROPERTY, id.name(), id.isDefault()),
                new ConnectorRuntime.Connections() {
                    @Override
                    public void store(String apiKey, String crmKey) throws java.io.IOException {
                        String secret = secrets.storeConnection(apiKey, crmKey);
                        SharedConnection s = shared;
                        if (s != null) {
                            s.publish(apiKey, crmKey, secret); // every node of the cluster takes it
                        }
                    }

                    @Override
                    public boolean undo() throws java.io.IOException {
                        String[] restored = secrets.undoConnection();
                        SharedConnection s = shared;
                        if (restored != null && s != null) {
                            s.publish(restored[0], restored[1], restored[2]);
                        }
                        return restored != null;
                    }
                });
        return new ConnectorRuntime(settings, ConnectorRuntime.syncSettings(settings), secrets.of(settings, shared), storage, host,
                recorder, ConnectorRuntime.Options.defaults().counting(metrics));
    }

    /**
     * A configuration change: the runtime is replaced while the event handler stays registered, so that
     * no host event is lost (changes recorded meanwhile wait in the recorder). The old runtime is fenced
     * at once (it neither sends nor commits from then on); it is closed, and the new one started, on the
     * handover thread, one change after the other: two runtimes never sync at once. The secret this
     * component generated coming back in the configuration changes nothing.
     */
    /** A configuration change (see above). */
    public synchronized void modified(ConnectorConfiguration config, Map<String, Object> properties) {
        ConnectorSettings settings = ConnectorSettings.from(config, secrets.raw());
        Map<String, Object> next = Secrets.withoutSecret(properties);
        boolean secretCameBack = secrets.cameBack(settings);
        if (next.equals(applied) && secretCameBack) {
            return;
        }
        // names only: values may be secrets
        LOG.info("Wazzup connector: configuration changed ({}{}), restarting its parts", Secrets.changed(applied, next),
                secretCameBack ? "" : ", webhookSecret");
        ConnectorRuntime old = runtime;
        boolean switching = settings.storage() != storageMode;
        StoreHandle opened = null;
        if (switching) {
            // the new store first: one that cannot open leaves the connector as it is, still working
            try {
                opened = open(settings);
            } catch (RuntimeException e) {
                configurationProblem = "the configuration change to storage " + settings.storage() + " did not take effect: "
                        + e.getMessage() + "; the connector goes on with storage " + storageMode;
                LOG.error("Wazzup connector: {}", configurationProblem);
                return;
            }
        }
        old.closeEndpoints(); // one registration per path: the new runtime's servlets come next
        old.retire();
        if (switching) {
            old.close(HANDOVER_GRACE);
            StoreHandle previous = storage;
            carryOver(previous.store(), opened.store());
            storage = opened;
            storageMode = settings.storage();
            if (shared != null) {
                shared.close();
            }
            shared = share(opened, settings);
            previous.close();
        }
        ConnectorRuntime fresh;
        try {
            fresh = build(settings);
            configurationProblem = null;
        } catch (RuntimeException e) {
            // the old runtime is fenced already: one with its settings takes over on the current store
            configurationProblem = "the configuration change did not take effect: " + e.getMessage()
                    + "; the connector goes on with its previous settings";
            LOG.error("Wazzup connector: {}", configurationProblem, e);
            fresh = build(old.settings());
            settings = old.settings();
        }
        runtime = fresh;
        applied = next;
        ConnectorRuntime starting = fresh;
        ConnectorSettings startingWith = settings;
        handover.execute(() -> {
            try {
                if (!old.close(HANDOVER_GRACE)) {
                    LOG.warn("Wazzup connector: the replaced sync did not stop in {} s; it is fenced and can no longer"
                            + " send or commit", HANDOVER_GRACE.toSeconds());
                }
            } catch (RuntimeException e) {
                LOG.warn("Wazzup connector: the replaced runtime failed while it closed; it is fenced", e);
            } finally {
                if (runtime == starting && !closed) {
                    starting.start();
                    started(startingWith);
                }
            }
        });
    }

    /**
     * Everything of the account in the store being left goes to the new one: pending changes, webhook
     * notifications not delivered yet, creation requests, dead letters, what Wazzup holds. Nothing is
     * lost by a storage switch, and the new store does not send everything again.
     */
    private static void carryOver(Store from, Store to) {
        Map<String, Integer> copied = Handover.copy(from, to);
        if (!copied.isEmpty()) {
            LOG.info("Wazzup connector: carried over to the new store: {}", copied);
        }
    }

    private static void started(ConnectorSettings settings) {
        // settings.toString() masks the key and the secrets
        LOG.info("Wazzup connector running: {}", settings);
        if (!settings.hasApiKey()) {
            LOG.warn("Wazzup connector has no API key yet: changes are recorded; set '{}' in {} or connect by button",
                    WazzupConnector.PROPERTY_API_KEY, WazzupConnector.PID);
        }
    }

    /** A directory came: the sync need not wait for its next look. */
    public void directoryBound() {
        ConnectorRuntime r = runtime;
        if (r != null) {
            r.engine().wake();
        }
    }

    /** Stops everything of the account; the host's last changes are stored first. */
    public void close() {
        if (mbean != null) {
            mbean.close();
        }
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework is stopping
            }
        }
        closed = true;
        runtime.closeEndpoints();
        recorder.close(STOP_FLUSH); // the last changes the host reported go into the store first
        handover.shutdown();
        try {
            handover.awaitTermination(HANDOVER_GRACE.toSeconds() + 10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runtime.close(Duration.ofSeconds(2));
        if (shared != null) {
            shared.close();
        }
        storage.close();
        LOG.info("Wazzup connector stopped");
    }

    // ---------------------------------------------------------------- EventHandler

    /** Returns at once whatever the store does: the recorder only queues. Never throws to EventAdmin. */
    @Override
    public void handleEvent(Event event) {
        if (closed) {
            late(event);
            return;
        }
        try {
            capture.handle(event);
        } catch (RuntimeException e) {
            LOG.warn("Wazzup connector: a host event could not be read ({}): {}", event.getTopic(), e.toString());
        }
    }

    /** EventAdmin may still deliver what was queued before the unregistration. */
    private void late(Event event) {
        if (lateEvents.getAndIncrement() == 0) {
            LOG.warn("Wazzup connector: host events arrive after it stopped and are not recorded ({}); "
                    + "the next reconciliation sends what they changed", event.getTopic());
        }
    }

    // ---------------------------------------------------------------- ChatWindows, UnansweredCounters

    @Override
    public URI global(String userId) {
        return runtime.chats().global(userId);
    }

    @Override
    public URI contact(String userId, String contactId) {
        return runtime.chats().contact(userId, contactId);
    }

    @Override
    public URI deal(String userId, String dealId) {
        return runtime.chats().deal(userId, dealId);
    }

    @Override
    public Unanswered of(String userId) {
        return runtime.chats().of(userId);
    }

    @Override
    public dev.crmbridge.wazzup.api.chat.CounterStreams streams() {
        ConnectorRuntime r = runtime;
        return r == null ? dev.crmbridge.wazzup.api.chat.CounterStreams.OFF : r.chats().streams();
    }
}
