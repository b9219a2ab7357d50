package dev.crmbridge.wazzup.internal.wauth;

import dev.crmbridge.wazzup.api.spi.CrmSession;
import java.time.Clock;
import java.util.Hashtable;
import java.util.function.Supplier;
import javax.servlet.Servlet;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** Connecting by button (WAuth, §9): the confirmation page of a configured connector. */
public final class WAuth implements AutoCloseable {

    /** What confirming needs from the connector. */
    public interface Connector {
        /** {@code POST /v3/connect/}: the account's API key. */
        String connect(String state, String crmKey);

        /** Stores the key and the crmKey in the configuration. */
        void store(String apiKey, String crmKey) throws java.io.IOException;
    }

    private final ServiceRegistration<Servlet> registration;

    /**
     * @param enabled whether a crmCode and a secret are configured; without them the page says so
     */
    public WAuth(BundleContext context, String connectPath, String crmCode, boolean enabled, Supplier<CrmSession> session,
            Connector connector) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.http.whiteboard.servlet.pattern", connectPath);
        props.put("osgi.http.whiteboard.servlet.name", "wazzup-connect");
        registration = context.registerService(Servlet.class,
                new WAuthServlet(session, connector, crmCode, enabled, connectPath, Clock.systemUTC()), props);
    }

    @Override
    public void close() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework is stopping
        }
    }
}
