package dev.crmbridge.wazzup.internal.web;

import java.util.Dictionary;
import java.util.Hashtable;
import javax.servlet.Servlet;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * Where the connector's servlets and UI extension points go: the host's javax HTTP Whiteboard and
 * service registry in a framework, an embedded server in tests.
 */
public interface Whiteboard {

    /** A registered servlet or service; closing unregisters it. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /** Registers {@code servlet} under {@code pattern} (e.g. {@code /wazzup/webhook/*}), named for the logs. */
    Registration register(Servlet servlet, String pattern, String name);

    /** Publishes a service with these properties (the chat buttons). */
    <T> Registration publish(Class<T> type, T service, Dictionary<String, ?> properties);

    /** The HTTP Whiteboard (1.1, javax) and service registry of a framework. */
    static Whiteboard of(BundleContext context) {
        return new Whiteboard() {
            @Override
            public Registration register(Servlet servlet, String pattern, String name) {
                Hashtable<String, Object> props = new Hashtable<>();
                // HTTP Whiteboard 1.1 (javax) property names, as strings: no import of the whiteboard API needed
                props.put("osgi.http.whiteboard.servlet.pattern", pattern);
                props.put("osgi.http.whiteboard.servlet.name", name);
                // the webhook reads bodies without a thread while they arrive (servlet 3.1 non-blocking input)
                props.put("osgi.http.whiteboard.servlet.asyncSupported", Boolean.TRUE);
                return publish(Servlet.class, servlet, props);
            }

            @Override
            public <T> Registration publish(Class<T> type, T service, Dictionary<String, ?> properties) {
                ServiceRegistration<T> r = context.registerService(type, service, properties);
                return () -> {
                    try {
                        r.unregister();
                    } catch (IllegalStateException alreadyGone) {
                        // the bundle is stopping
                    }
                };
            }
        };
    }
}
