package dev.crmbridge.wazzup.internal.webhook;

import dev.crmbridge.wazzup.api.IntegrationScheme;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.spi.CrmEntityFactory;
import dev.crmbridge.wazzup.api.sync.SetAsideNotification;
import dev.crmbridge.wazzup.api.sync.WebhookState;
import dev.crmbridge.wazzup.internal.client.WazzupClient;
import dev.crmbridge.wazzup.internal.client.WebhookSettings;
import dev.crmbridge.wazzup.internal.cluster.Leadership;
import dev.crmbridge.wazzup.internal.store.Fence;
import dev.crmbridge.wazzup.internal.store.GroupWriter;
import dev.crmbridge.wazzup.internal.store.Store;
import dev.crmbridge.wazzup.internal.sync.Payloads;
import dev.crmbridge.wazzup.internal.web.Whiteboard;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.osgi.service.event.EventAdmin;

/**
 * The webhook side of a configured connector: the inbox, the creation handler, the servlet and, with
 * a public base URL, the subscription at Wazzup.
 */
public final class Webhooks implements AutoCloseable {

    /** What the webhook side is configured with. */
    public record Config(String path, String secret, String crmKey, int maxBodyBytes, URI publicBaseUrl,
            String dealPipelineId, String dealStageId, IntegrationScheme scheme, Duration verifyEvery,
            Duration bodyTimeout) {

        /** A configuration whose deliveries' bodies may take {@link WebhookServlet#BODY_TIMEOUT} to arrive. */
        public Config(String path, String secret, String crmKey, int maxBodyBytes, URI publicBaseUrl,
                String dealPipelineId, String dealStageId, IntegrationScheme scheme, Duration verifyEvery) {
            this(path, secret, crmKey, maxBodyBytes, publicBaseUrl, dealPipelineId, dealStageId, scheme, verifyEvery,
                    WebhookServlet.BODY_TIMEOUT);
        }

        /** This configuration with another time for a body to arrive. */
        public Config withBodyTimeout(Duration timeout) {
            return new Config(path, secret, crmKey, maxBodyBytes, publicBaseUrl, dealPipelineId, dealStageId, scheme,
                    verifyEvery, timeout);
        }

        /** A configuration whose subscription is verified every 10 minutes. */
        public Config(String path, String secret, String crmKey, int maxBodyBytes, URI publicBaseUrl,
                String dealPipelineId, String dealStageId, IntegrationScheme scheme) {
            this(path, secret, crmKey, maxBodyBytes, publicBaseUrl, dealPipelineId, dealStageId, scheme,
                    Duration.ofMinutes(10));
        }

        @Override
        public String toString() {
            return "Webhooks.Config[path=" + path + ", publicBaseUrl=" + publicBaseUrl + "]";
        }
    }

    /** What the webhook side uses of the host. */
    public record Host(Supplier<CrmDirectory> directory, Supplier<CrmEntityFactory> factory, Supplier<EventAdmin> events,
            Whiteboard whiteboard) {
    }

    private final Store store;
    private final Inbox inbox;
    private final WebhookServlet servlet;
    private final Whiteboard.Registration registration;
    private final Subscriber subscriber;
    private final String shown;

    /**
     * @param store the account's store, fenced by {@code fence}
     * @param client null while no API key is configured
     * @param onMessage run after events of new messages were delivered
     */
    public Webhooks(Config config, Host host, Store store, GroupWriter writer, Fence fence, WazzupClient client,
            Payloads payloads, Clock clock, List<Runnable> onMessage) {
        this(config, host, store, writer, fence, client, payloads, clock, onMessage, Leadership.solo("this node"));
    }

    /**
     * @param leadership whether this node leads the account: only the leader keeps the subscription;
     *     every node takes webhooks and delivers the events of the notifications it claims
     */
    public Webhooks(Config config, Host host, Store store, GroupWriter writer, Fence fence, WazzupClient client,
            Payloads payloads, Clock clock, List<Runnable> onMessage, Leadership leadership) {
        this.store = store;
        this.inbox = new Inbox(store, writer, fence, host.events(), clock, onMessage, leadership);
        Creations creations = new Creations(store, host.factory(), host.directory(), payloads, config.scheme(),
                config.dealPipelineId(), config.dealStageId(), clock);
        this.servlet = new WebhookServlet(config.secret(), new CrmKeyGate(config.crmKey(), store.meta()),
                config.maxBodyBytes(), inbox, creations, config.bodyTimeout());
        this.registration = host.whiteboard().register(servlet, config.path() + "/*", "wazzup-webhook");
        String base = config.publicBaseUrl() == null ? null : config.publicBaseUrl().toString().replaceAll("/+$", "");
        this.shown = base == null ? null : base + config.path() + "/…";
        if (base != null && client != null) {
            WebhookSettings wanted = new WebhookSettings(base + config.path() + "/" + config.secret(), true,
                    config.scheme().includesDeals(), true, true);
            this.subscriber = new Subscriber(client, wanted, shown, clock, fence, config.verifyEvery(), leadership,
                    store.meta());
        } else {
            this.subscriber = null;
        }
    }

    public WebhookState state() {
        WebhookState s = subscriber != null ? subscriber.state() : new WebhookState(false, shown, shown == null
                ? "no public base URL is configured: Wazzup is not told where to send webhooks"
                : "no API key is configured", null, 0, 0);
        String problem = s.problem() != null ? s.problem() : inbox.problem();
        return new WebhookState(s.subscribed(), s.address(), problem, s.lastAttempt(), inbox.stored(), inbox.pending(),
                inbox.setAside(), s.lastVerified(), s.repairs());
    }

    /**
     * Reads the subscription back from Wazzup now and sets it again if it changed (on the leader); the
     * state afterwards. Without a public base URL or a key there is nothing to verify.
     */
    public Verification verifyNow(java.time.Duration timeout) {
        if (subscriber == null) {
            WebhookState s = state();
            return new Verification(Verification.Outcome.NOTHING_TO_VERIFY, s, s.problem());
        }
        Verification v = subscriber.verifyNow(timeout);
        return new Verification(v.outcome(), state(), v.text()); // with the inbox's counts
    }

    /** The notifications that can never become events, newest first (at most {@code limit}). */
    public List<SetAsideNotification> setAside(int limit) {
        return store.inbox().setAside(limit);
    }

    /**
     * Starts delivering the inbox's events and, with a public base URL, the subscription. Notifications are
     * taken and stored from construction on.
     */
    public void start() {
        inbox.start();
        if (subscriber != null) {
            subscriber.start();
        }
    }

    /** Stops delivering events at once: a successor delivers what is left. */
    public void stopDelivering() {
        inbox.stop();
    }

    /** Stops taking webhooks (the servlet goes) and the subscription; the inbox delivers until {@link #close()}. */
    public void closeEndpoint() {
        if (subscriber != null) {
            subscriber.close();
        }
        registration.close();
    }

    @Override
    public void close() {
        closeEndpoint();
        inbox.close();
    }

    /** Where the endpoint counts deliveries and refusals (JMX). */
    public void counting(dev.crmbridge.wazzup.internal.util.Metrics metrics) {
        servlet.counting(metrics);
    }

    /** Sets what adds the connector's knowledge to each webhook event before it goes (see {@code Inbox.enrich}). */
    public void enrich(java.util.function.UnaryOperator<org.osgi.service.event.Event> enrich) {
        inbox.enrich(enrich);
    }
}
