package dev.crmbridge.wazzup.itests;

import dev.crmbridge.wazzup.api.WazzupConnector;
import dev.crmbridge.wazzup.api.event.WazzupEvents;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import java.util.Hashtable;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The host of {@link WebhookKillIT}'s child framework (and of the webhook benchmark): configures the
 * connector (a fixed webhook secret, no public URL) and prints {@code EVENT <messageId>} for every
 * message event it receives (after {@code wazzup.child.slowMillis} of work, if set); with
 * {@code wazzup.child.countFile} it instead counts them into that file (once a second).
 */
public final class WebhookChildActivator implements BundleActivator {

    private ServiceTracker<ConfigurationAdmin, ConfigurationAdmin> tracker;

    @Override
    public void start(BundleContext context) {
        context.registerService(CrmDirectory.class, ItDirectory.generated(1, 0, 0, 0), null);
        Hashtable<String, Object> topics = new Hashtable<>();
        topics.put(EventConstants.EVENT_TOPIC, WazzupEvents.TOPIC_MESSAGE_ALL);
        String countFile = context.getProperty("wazzup.child.countFile");
        CountFile count = countFile == null ? null : new CountFile(java.nio.file.Path.of(countFile));
        long slowMillis = Long.parseLong(String.valueOf(context.getProperty("wazzup.child.slowMillis") == null ? "0"
                : context.getProperty("wazzup.child.slowMillis")));
        context.registerService(EventHandler.class, (EventHandler) e -> {
            if (slowMillis > 0) {
                try {
                    Thread.sleep(slowMillis); // a slow host handler: events queue up behind it
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            if (count == null) {
                System.out.println("EVENT " + e.getProperty(WazzupEvents.PROPERTY_MESSAGE_ID));
                System.out.flush();
            } else {
                count.increment();
            }
        }, topics);
        tracker = new ServiceTracker<>(context, ConfigurationAdmin.class, null) {
            @Override
            public ConfigurationAdmin addingService(org.osgi.framework.ServiceReference<ConfigurationAdmin> ref) {
                ConfigurationAdmin admin = context.getService(ref);
                try {
                    Configuration c = admin.getConfiguration(WazzupConnector.PID, "?");
                    if (c.getProperties() == null) {
                        Hashtable<String, Object> p = new Hashtable<>();
                        p.put(WazzupConnector.PROPERTY_API_KEY, "child-key-0000");
                        p.put(WazzupConnector.PROPERTY_API_BASE_URL, context.getProperty("wazzup.child.emulator"));
                        p.put("webhookSecret", context.getProperty("wazzup.child.secret"));
                        c.update(p);
                    }
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
                return admin;
            }
        };
        tracker.open();
    }

    @Override
    public void stop(BundleContext context) {
        tracker.close();
    }
}
