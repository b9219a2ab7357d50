package dev.crmbridge.wazzup.itests;

import dev.crmbridge.wazzup.api.WazzupConnector;
import java.util.Hashtable;
import java.util.function.Consumer;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The connector's configuration in a child framework's host bundle: written once, when ConfigurationAdmin
 * appears and holds none yet (a restarted child keeps what it had). Its key and emulator come from the framework
 * properties {@code wazzup.child.apiKey} and {@code wazzup.child.emulator}; {@code more} adds the rest.
 */
final class ChildConfig {

    private ChildConfig() {
    }

    /** An open tracker that configures the connector once; close it when the bundle stops. */
    static ServiceTracker<ConfigurationAdmin, ConfigurationAdmin> configureOnce(BundleContext context,
            Consumer<Hashtable<String, Object>> more) {
        ServiceTracker<ConfigurationAdmin, ConfigurationAdmin> tracker = new ServiceTracker<>(context, ConfigurationAdmin.class,
                null) {
            @Override
            public ConfigurationAdmin addingService(org.osgi.framework.ServiceReference<ConfigurationAdmin> ref) {
                ConfigurationAdmin admin = context.getService(ref);
                try {
                    Configuration c = admin.getConfiguration(WazzupConnector.PID, "?");
                    if (c.getProperties() == null) {
                        Hashtable<String, Object> p = new Hashtable<>();
                        p.put(WazzupConnector.PROPERTY_API_KEY, context.getProperty("wazzup.child.apiKey"));
                        p.put(WazzupConnector.PROPERTY_API_BASE_URL, context.getProperty("wazzup.child.emulator"));
                        more.accept(p);
                        c.update(p);
                    }
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
                return admin;
            }
        };
        tracker.open();
        return tracker;
    }
}
