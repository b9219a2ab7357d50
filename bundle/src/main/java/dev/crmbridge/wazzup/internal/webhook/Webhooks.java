package dev.crmbridge.wazzup.internal.webhook;

import dev.crmbridge.wazzup.api.IntegrationScheme;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.spi.CrmEntityFactory;
import dev.crmbridge.wazzup.api.sync.WebhookState;
import dev.crmbridge.wazzup.internal.client.WazzupClient;
import dev.crmbridge.wazzup.internal.client.WebhookSettings;
import dev.crmbridge.wazzup.internal.store.SyncStore;
import dev.crmbridge.wazzup.internal.sync.Payloads;
import java.net.URI;
import java.time.Clock;
import java.util.Hashtable;
import java.util.List;
import java.util.function.Supplier;
import javax.servlet.Servlet;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.EventAdmin;

/**
 * The webhook side of a configured connector: the inbox, the creation handler, the servlet on the
 * javax HTTP Whiteboard and, with a public base URL, the subscription at Wazzup.
 */
public final class Webhooks implements AutoCloseable {

    /** What the webhook side is configured with. */
    public record Config(String path, String secret, String crmKey, int maxBodyBytes, URI publicBaseUrl,
            String dealPipelineId, String dealStageId) {

        @Override
        public String toString() {
            return "Webhooks.Config[path=" + path + ", publicBaseUrl=" + publicBaseUrl + "]";
        }
    }

    private final Inbox inbox;
    private final ServiceRegistration<Servlet> registration;
    private final Subscriber subscriber;
    private final String shown;

    public Webhooks(BundleContext context, Config config, SyncStore store, WazzupClient client,
            Supplier<CrmDirectory> directory, Supplier<CrmEntityFactory> factory, Supplier<EventAdmin> events,
            Payloads payloads, IntegrationScheme scheme, Clock clock, List<Runnable> onMessage) {
        this.inbox = new Inbox(store, events, store::chatOwners, clock, onMessage);
        Creations creations = new Creations(store, factory, directory, payloads, scheme, config.dealPipelineId(),
                config.dealStageId(), clock);
        WebhookServlet servlet = new WebhookServlet(config.secret(), config.crmKey(), config.maxBodyBytes(), inbox, creations);
        Hashtable<String, Object> props = new Hashtable<>();
        // HTTP Whiteboard 1.1 (javax) property names, as strings: no import of the whiteboard API needed
        props.put("osgi.http.whiteboard.servlet.pattern", config.path() + "/*");
        props.put("osgi.http.whiteboard.servlet.name", "wazzup-webhook");
        this.registration = context.registerService(Servlet.class, servlet, props);
        String base = config.publicBaseUrl() == null ? null : config.publicBaseUrl().toString().replaceAll("/+$", "");
        this.shown = base == null ? null : base + config.path() + "/…";
        if (base != null && client != null) {
            WebhookSettings wanted = new WebhookSettings(base + config.path() + "/" + config.secret(), true,
                    scheme.includesDeals(), true, true);
            this.subscriber = new Subscriber(client, wanted, shown, clock);
            subscriber.start();
        } else {
            this.subscriber = null;
        }
    }

    public WebhookState state() {
        WebhookState s = subscriber != null ? subscriber.state() : new WebhookState(false, shown, shown == null
                ? "no public base URL is configured: Wazzup is not told where to send webhooks"
                : "no API key is configured", null, 0, 0);
        return new WebhookState(s.subscribed(), s.address(), s.problem(), s.lastAttempt(), inbox.stored(), inbox.pending());
    }

    /** Notifications stored and not yet turned into events. */
    public long pending() {
        return inbox.pending();
    }

    @Override
    public void close() {
        if (subscriber != null) {
            subscriber.close();
        }
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle is stopping
        }
        inbox.close();
    }
}
