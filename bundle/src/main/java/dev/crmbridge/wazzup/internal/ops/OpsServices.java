package dev.crmbridge.wazzup.internal.ops;

import dev.crmbridge.wazzup.api.WazzupConnector;
import dev.crmbridge.wazzup.api.sync.SyncStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
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
 * connector's status while it runs; when it does not, SCR's view of the component says whether it is not
 * configured or why it does not run. Karaf's shell finds the commands on its own.
 */
public final class OpsServices {

    private static final Logger LOG = LoggerFactory.getLogger(OpsServices.class);

    private final BundleContext context;
    private final ServiceTracker<SyncStatus, SyncStatus> tracker;
    private final ServiceTracker<Object, Object> scr;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    public OpsServices(BundleContext context) {
        this.context = context;
        this.tracker = new ServiceTracker<>(context, SyncStatus.class, null);
        tracker.open();
        this.scr = new ServiceTracker<>(context, "org.osgi.service.component.runtime.ServiceComponentRuntime", null);
        scr.open();
        try {
            if (available("org.apache.felix.hc.api.HealthCheck")) {
                Hashtable<String, Object> props = new Hashtable<>();
                props.put("hc.name", WazzupHealthCheck.NAME);
                props.put("hc.tags", WazzupHealthCheck.TAGS);
                props.put("hc.mbean.name", "wazzup"); // Felix HC's JMX bean for it
                props.put(Constants.SERVICE_DESCRIPTION, "Wazzup connector health check");
                registrations.add(context.registerService("org.apache.felix.hc.api.HealthCheck",
                        new WazzupHealthCheck(this::report, Clock.systemUTC()), props));
            }
        } catch (LinkageError | RuntimeException e) {
            LOG.warn("Wazzup connector: no health check ({})", e.toString());
        }
        ConsolePage page = new ConsolePage(this::status, this::report);
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("felix.webconsole.label", ConsolePage.LABEL);
        props.put("felix.webconsole.title", ConsolePage.TITLE);
        props.put("felix.webconsole.category", ConsolePage.CATEGORY);
        props.put(Constants.SERVICE_DESCRIPTION, "Wazzup connector console page");
        try {
            // one of the two: Web Console 5 warns about a javax plugin it also finds
            if (available("jakarta.servlet.http.HttpServlet")) {
                registrations.add(context.registerService("jakarta.servlet.Servlet", new JakartaConsolePlugin(page), props));
            } else {
                registrations.add(context.registerService("javax.servlet.Servlet", new JavaxConsolePlugin(page), props));
            }
        } catch (LinkageError | RuntimeException e) {
            LOG.warn("Wazzup connector: no Web Console page ({})", e.toString());
        }
    }

    /** The connector's status while it runs, else null. */
    private Operable status() {
        for (SyncStatus s : tracker.getServices(new SyncStatus[0])) {
            if (s instanceof Operable o) {
                return o;
            }
        }
        return null;
    }

    /** The health now: the running connector's, or why it does not run. */
    HealthReport report(Instant now) {
        Operable s = status();
        if (s != null) {
            return HealthReport.of(s, now);
        }
        String why = whyNotRunning();
        return why == null ? HealthReport.notConfigured() : HealthReport.notRunning(why);
    }

    /** Why SCR does not run the configured component, in words; null when it has no configuration. */
    private String whyNotRunning() {
        Object runtime = scr.getService();
        if (runtime == null || !available("org.osgi.service.component.runtime.ServiceComponentRuntime")) {
            return null;
        }
        try {
            return ComponentStates.whyNotRunning(runtime, context.getBundle(), WazzupConnector.PID);
        } catch (LinkageError | RuntimeException e) {
            return null;
        }
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
        scr.close();
    }
}
