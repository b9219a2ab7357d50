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
        return of(context, null, null);
    }

    /**
     * The HTTP Whiteboard and service registry of a framework, for one account: every registration carries
     * {@code accountProperty=account}, and servlet names end in {@code -account} unless {@code plainNames}.
     */
    static Whiteboard of(BundleContext context, String accountProperty, String account, boolean plainNames) {
        Whiteboard base = of(context, accountProperty, account);
        return plainNames ? base : new Whiteboard() {
            @Override
            public Registration register(Servlet servlet, String pattern, String name) {
                return base.register(servlet, pattern, name + "-" + account);
            }

            @Override
            public <T> Registration publish(Class<T> type, T service, Dictionary<String, ?> properties) {
                return base.publish(type, service, properties);
            }
        };
    }

    private static Whiteboard of(BundleContext context, String accountProperty, String account) {
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
                Dictionary<String, ?> props = properties;
                if (accountProperty != null && properties != null) {
                    Hashtable<String, Object> tagged = new Hashtable<>();
                    for (java.util.Enumeration<String> k = properties.keys(); k.hasMoreElements();) {
                        String key = k.nextElement();
                        tagged.put(key, properties.get(key));
                    }
                    tagged.put(accountProperty, account);
                    props = tagged;
                }
                ServiceRegistration<T> r = context.registerService(type, service, props);
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
