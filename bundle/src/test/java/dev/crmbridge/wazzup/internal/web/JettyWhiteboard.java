package dev.crmbridge.wazzup.internal.web;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.servlet.Servlet;
import javax.servlet.ServletConfig;
import javax.servlet.ServletContext;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletRequestWrapper;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.http.pathmap.MatchedResource;
import org.eclipse.jetty.http.pathmap.PathMappings;
import org.eclipse.jetty.http.pathmap.ServletPathSpec;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

/**
 * A {@link Whiteboard} for tests: an embedded Jetty 9.4 (javax.servlet 3.1, as Karaf's pax-web) on
 * 127.0.0.1 at a free port, and a service list the test reads.
 *
 * <p>One dispatcher servlet at {@code /*} owns a pattern → servlet map, matched with Jetty's own
 * servlet path specs: an exact pattern ({@code /wazzup/connect}) or a prefix ({@code /wazzup/webhook/*}),
 * the longest prefix winning, as the HTTP Whiteboard does. The target servlet sees the servlet path and
 * path info a whiteboard gives it ({@code /wazzup/webhook/abc} under {@code /wazzup/webhook/*}: servlet
 * path {@code /wazzup/webhook}, path info {@code /abc}; an exact pattern: path info null). Servlets may
 * come and go while the server runs: closing a registration destroys the servlet and its path answers
 * 404 from then on. When two registrations share a pattern the first one serves until it is closed
 * (the whiteboard's tie-break by service id).
 */
public final class JettyWhiteboard implements Whiteboard, AutoCloseable {

    /** A service published through {@link #publish}, as long as its registration is open. */
    public record Published<T>(Class<T> type, T service, Map<String, Object> properties) {
    }

    private record Entry(String pattern, String name, Servlet servlet) {
    }

    static {
        // Jetty's start/stop lines at INFO drown the servlets' own log lines (slf4j-simple; a set level is kept)
        if (System.getProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
        }
    }

    private final Server server;
    private final ServletContextHandler context;
    private final URI base;
    private final List<Entry> servlets = new ArrayList<>();
    private volatile PathMappings<Entry> mappings = new PathMappings<>();
    private final CopyOnWriteArrayList<Published<?>> published = new CopyOnWriteArrayList<>();

    /** Starts the server. */
    public JettyWhiteboard() {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath("/");
        ServletHolder dispatcher = new ServletHolder("whiteboard-dispatcher", new Dispatcher());
        dispatcher.setAsyncSupported(true); // as the whiteboard registers the connector's servlets
        context.addServlet(dispatcher, "/*");
        server.setHandler(context);
        server.setStopTimeout(2_000);
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception ignored) {
                // failed to start
            }
            throw new IllegalStateException("the test's Jetty did not start", e);
        }
        base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    /** {@code http://127.0.0.1:<port>}, without a trailing slash. */
    public URI base() {
        return base;
    }

    /** {@link #base()} with this path (and query) appended. */
    public URI uri(String pathAndQuery) {
        return URI.create(base + pathAndQuery);
    }

    /** The port the server listens on. */
    public int port() {
        return base.getPort();
    }

    @Override
    public Registration register(Servlet servlet, String pattern, String name) {
        Objects.requireNonNull(servlet, "servlet");
        ServletPathSpec spec = new ServletPathSpec(pattern); // throws for what a whiteboard would not take
        try {
            servlet.init(new Config(name, context.getServletContext()));
        } catch (ServletException e) {
            throw new IllegalStateException("the servlet " + name + " did not initialise", e);
        }
        Entry entry = new Entry(spec.getDeclaration(), name, servlet);
        synchronized (servlets) {
            servlets.add(entry);
            remap();
        }
        AtomicBoolean open = new AtomicBoolean(true);
        return () -> {
            if (open.compareAndSet(true, false)) {
                synchronized (servlets) {
                    servlets.remove(entry);
                    remap();
                }
                servlet.destroy();
            }
        };
    }

    @Override
    public <T> Registration publish(Class<T> type, T service, Dictionary<String, ?> properties) {
        Map<String, Object> props = new LinkedHashMap<>();
        if (properties != null) {
            for (Enumeration<String> keys = properties.keys(); keys.hasMoreElements(); ) {
                String k = keys.nextElement();
                props.put(k, properties.get(k));
            }
        }
        Published<T> p = new Published<>(type, service, Collections.unmodifiableMap(props));
        published.add(p);
        AtomicBoolean open = new AtomicBoolean(true);
        return () -> {
            if (open.compareAndSet(true, false)) {
                published.remove(p);
            }
        };
    }

    /** The services published and not yet unregistered, in the order they came. */
    public List<Published<?>> published() {
        return List.copyOf(published);
    }

    /** The published services of one type. */
    public <T> List<Published<T>> published(Class<T> type) {
        List<Published<T>> out = new ArrayList<>();
        for (Published<?> p : published) {
            if (p.type() == type) {
                @SuppressWarnings("unchecked")
                Published<T> typed = (Published<T>) p;
                out.add(typed);
            }
        }
        return out;
    }

    /** The patterns that serve now. */
    public List<String> patterns() {
        synchronized (servlets) {
            return servlets.stream().map(Entry::pattern).distinct().toList();
        }
    }

    /** Rebuilds the mappings the dispatcher reads (under the lock): the first registration of a pattern serves. */
    private void remap() {
        PathMappings<Entry> m = new PathMappings<>();
        for (Entry e : servlets) {
            ServletPathSpec spec = new ServletPathSpec(e.pattern());
            if (m.get(spec) == null) {
                m.put(spec, e);
            }
        }
        mappings = m;
    }

    /** Stops the server and destroys the servlets still registered; services are forgotten. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("the test's Jetty did not stop", e);
        } finally {
            List<Entry> left;
            synchronized (servlets) {
                left = new ArrayList<>(servlets);
                servlets.clear();
                remap();
            }
            left.forEach(e -> e.servlet().destroy());
            published.clear();
            server.destroy();
        }
    }

    /** Finds the registered servlet of a request and calls it with the whiteboard's servlet path and path info. */
    private final class Dispatcher extends HttpServlet {

        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
            String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
            MatchedResource<Entry> match = mappings.getMatched(path);
            if (match == null) {
                resp.sendError(404);
                return;
            }
            String servletPath = match.getPathMatch();
            String pathInfo = match.getPathInfo();
            match.getResource().servlet().service(new HttpServletRequestWrapper(req) {
                @Override
                public String getServletPath() {
                    return servletPath;
                }

                @Override
                public String getPathInfo() {
                    return pathInfo;
                }

                @Override
                public String getPathTranslated() {
                    return pathInfo == null ? null : getServletContext().getRealPath(pathInfo);
                }
            }, resp);
        }
    }

    private record Config(String name, ServletContext context) implements ServletConfig {

        @Override
        public String getServletName() {
            return name;
        }

        @Override
        public ServletContext getServletContext() {
            return context;
        }

        @Override
        public String getInitParameter(String n) {
            return null;
        }

        @Override
        public Enumeration<String> getInitParameterNames() {
            return Collections.emptyEnumeration();
        }
    }
}
