package dev.crmbridge.wazzup.internal.ops;

import dev.crmbridge.wazzup.api.sync.SyncStatus;
import dev.crmbridge.wazzup.internal.config.ConnectorStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.function.Supplier;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations services the bundle offers for as long as it runs, configured or not: the Felix health check
 * (where {@code org.apache.felix.hc.api} is wired) and the Web Console page (Jakarta where
 * {@code jakarta.servlet} is wired, for Web Console 5, else javax for Web Console 4). They read the
 * connector's {@link SyncStatus} while there is one. Karaf's shell finds the commands on its own.
 */
public final class OpsServices {

    private static final Logger LOG = LoggerFactory.getLogger(OpsServices.class);

    private final ServiceTracker<SyncStatus, SyncStatus> tracker;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    public OpsServices(BundleContext context) {
        this.tracker = new ServiceTracker<>(context, SyncStatus.class, null);
        tracker.open();
        Supplier<ConnectorStatus> status = this::status;
        if (available("org.apache.felix.hc.api.HealthCheck")) {
            Hashtable<String, Object> props = new Hashtable<>();
            props.put("hc.name", WazzupHealthCheck.NAME);
            props.put("hc.tags", WazzupHealthCheck.TAGS);
            props.put(Constants.SERVICE_DESCRIPTION, "Wazzup connector health check");
            registrations.add(context.registerService("org.apache.felix.hc.api.HealthCheck",
                    new WazzupHealthCheck(status, Clock.systemUTC()), props));
        }
        ConsolePage page = new ConsolePage(status);
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("felix.webconsole.label", ConsolePage.LABEL);
        props.put("felix.webconsole.title", ConsolePage.TITLE);
        props.put("felix.webconsole.category", ConsolePage.CATEGORY);
        props.put(Constants.SERVICE_DESCRIPTION, "Wazzup connector console page");
        try {
            if (available("jakarta.servlet.http.HttpServlet")) {
                registrations.add(context.registerService("jakarta.servlet.Servlet", new JakartaConsolePlugin(page), props));
            } else {
                registrations.add(context.registerService("javax.servlet.Servlet", new JavaxConsolePlugin(page), props));
            }
        } catch (LinkageError | RuntimeException e) {
            LOG.warn("Wazzup connector: no Web Console page ({})", e.toString());
        }
    }

    /** The connector's status while it is configured, else null. */
    private ConnectorStatus status() {
        for (SyncStatus s : tracker.getServices(new SyncStatus[0])) {
            if (s instanceof ConnectorStatus c) {
                return c;
            }
        }
        return null;
    }

    /** Whether this bundle can load {@code className} (its optional import is wired). */
    private static boolean available(String className) {
        try {
            Class.forName(className, false, OpsServices.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    public void close() {
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException gone) {
                // the framework unregistered it
            }
        }
        registrations.clear();
        tracker.close();
    }
}
