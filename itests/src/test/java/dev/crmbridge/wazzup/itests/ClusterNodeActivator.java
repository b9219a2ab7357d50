package dev.crmbridge.wazzup.itests;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.crmbridge.wazzup.api.WazzupConnector;
import dev.crmbridge.wazzup.api.event.CrmEvents;
import dev.crmbridge.wazzup.api.event.WazzupEvents;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.api.sync.SyncStatus;
import dev.crmbridge.wazzup.api.sync.TransactionalChanges;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import javax.sql.DataSource;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The host CRM of one node of {@link ClusterIT}'s cluster, in a child framework: a HikariCP pool on the
 * shared PostgreSQL registered as the connector's {@code DataSource}, the {@link SharedCrm} directory, the
 * connector's configuration (storage {@code DATA_SOURCE}, this node's name; once: a restart keeps it),
 * an event handler printing {@code EVENT <messageId>} for every message event (or counting them into
 * {@code <wazzup.child.countDir>/<node>.count}), and a servlet at
 * {@code /crm/contacts} through which the test edits contacts on this node:
 * {@code from}, {@code to} (a range of contact numbers), {@code name}, and {@code report}: {@code event}
 * (the change reported by a synchronous event), {@code tx} (recorded in the CRM's own transaction),
 * {@code rollback} (recorded, then the transaction rolls back) or {@code tx-halt} (committed, then the JVM
 * ends at once, as a SIGKILL would). {@code GET /crm/status} prints the connector's view.
 */
public final class ClusterNodeActivator implements BundleActivator {

    private ServiceTracker<ConfigurationAdmin, ConfigurationAdmin> config;
    private ServiceTracker<EventAdmin, EventAdmin> events;
    private ServiceTracker<TransactionalChanges, TransactionalChanges> changes;
    private ServiceTracker<SyncStatus, SyncStatus> status;
    private HikariDataSource pool;

    @Override
    public void start(BundleContext context) {
        org.postgresql.ds.PGSimpleDataSource pg = new org.postgresql.ds.PGSimpleDataSource();
        pg.setUrl(context.getProperty("wazzup.child.jdbc"));
        pg.setUser("wazzup");
        pg.setApplicationName(context.getProperty("wazzup.child.node")); // the test's audit tells the nodes apart
        HikariConfig hc = new HikariConfig();
        hc.setDataSource(pg);
        hc.setMaximumPoolSize(12);
        hc.setPoolName("crm-" + context.getProperty("wazzup.child.node"));
        pool = new HikariDataSource(hc);
        Hashtable<String, Object> ds = new Hashtable<>();
        ds.put("dataSourceName", "wazzup");
        context.registerService(DataSource.class, pool, ds);

        int users = Integer.parseInt(context.getProperty("wazzup.child.users"));
        int deals = Integer.parseInt(context.getProperty("wazzup.child.deals"));
        int contacts = Integer.parseInt(context.getProperty("wazzup.child.contacts"));
        ItDirectory fixed = ItDirectory.generated(users, 2, contacts, deals);
        context.registerService(CrmDirectory.class, new SharedCrm(pool, fixed), null);
        context.registerService(dev.crmbridge.wazzup.api.spi.CrmSession.class, new ItSession(fixed), null); // u0: admin

        Hashtable<String, Object> topics = new Hashtable<>();
        topics.put(EventConstants.EVENT_TOPIC, WazzupEvents.TOPIC_MESSAGE_ALL);
        String countDir = context.getProperty("wazzup.child.countDir");
        CountFile count = countDir == null ? null
                : new CountFile(java.nio.file.Path.of(countDir, context.getProperty("wazzup.child.node") + ".count"));
        context.registerService(EventHandler.class, (EventHandler) e -> {
            if (count == null) {
                System.out.println("EVENT " + e.getProperty(WazzupEvents.PROPERTY_MESSAGE_ID));
            } else {
                count.increment();
            }
        }, topics);

        events = new ServiceTracker<>(context, EventAdmin.class, null);
        events.open();
        changes = new ServiceTracker<>(context, TransactionalChanges.class, null);
        changes.open();
        status = new ServiceTracker<>(context, SyncStatus.class, null);
        status.open();
        Hashtable<String, Object> servlet = new Hashtable<>();
        servlet.put("osgi.http.whiteboard.servlet.pattern", "/crm/*");
        context.registerService(javax.servlet.Servlet.class, new CrmServlet(), servlet);

        config = new ServiceTracker<>(context, ConfigurationAdmin.class, null) {
            @Override
            public ConfigurationAdmin addingService(org.osgi.framework.ServiceReference<ConfigurationAdmin> ref) {
                ConfigurationAdmin admin = context.getService(ref);
                try {
                    Configuration c = admin.getConfiguration(WazzupConnector.PID, "?");
                    if (c.getProperties() == null) {
                        Hashtable<String, Object> p = new Hashtable<>();
                        String key = context.getProperty("wazzup.child.apiKey");
                        if (key != null && !key.isEmpty()) {
                            p.put(WazzupConnector.PROPERTY_API_KEY, key);
                        }
                        p.put(WazzupConnector.PROPERTY_API_BASE_URL, context.getProperty("wazzup.child.emulator"));
                        p.put("storage", "DATA_SOURCE");
                        p.put("clusterNodeName", context.getProperty("wazzup.child.node"));
                        String lease = context.getProperty("wazzup.child.lease");
                        if (lease != null) {
                            p.put("clusterLeaseSeconds", Integer.parseInt(lease));
                        }
                        p.put("webhookSecret", context.getProperty("wazzup.child.secret"));
                        p.put("retryMaxDelaySeconds", 5);
                        p.put("reconcileIntervalMinutes", 0);
                        p.put("initialSync", Boolean.parseBoolean(context.getProperty("wazzup.child.initialSync")));
                        String extra = context.getProperty("wazzup.child.config");
                        if (extra != null) {
                            for (String kv : extra.split(";")) {
                                if (!kv.isBlank()) {
                                    int eq = kv.indexOf('=');
                                    p.put(kv.substring(0, eq), kv.substring(eq + 1));
                                }
                            }
                        }
                        c.update(p);
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                return admin;
            }
        };
        config.open();
    }

    final class CrmServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            SyncStatus s = status.getService();
            resp.setContentType("text/plain;charset=UTF-8");
            if (s == null) {
                resp.getWriter().println("no connector");
                return;
            }
            resp.getWriter().println("leader=" + s.cluster().leader() + " node=" + s.cluster().node() + " nodes="
                    + s.cluster().nodes() + " pending=" + s.entities().get(EntityType.CONTACT).pending()
                    + " initial=" + s.initialSyncComplete() + " problem=" + s.problem());
        }

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            int from = Integer.parseInt(req.getParameter("from"));
            int to = Integer.parseInt(req.getParameter("to"));
            String name = req.getParameter("name");
            String report = req.getParameter("report");
            List<String> ids = new ArrayList<>();
            for (int i = from; i < to; i++) {
                ids.add(String.format("c%06d", i));
            }
            try (Connection c = pool.getConnection()) {
                c.setAutoCommit(false);
                try (PreparedStatement u = c.prepareStatement("UPDATE crm_contact SET name = ? || ' ' || substr(id, 2)::int"
                        + " WHERE id = ANY (?)")) {
                    u.setString(1, name);
                    u.setArray(2, c.createArrayOf("varchar", ids.toArray()));
                    u.executeUpdate();
                }
                if (!report.equals("event")) {
                    TransactionalChanges tx = changes.getService();
                    if (tx == null) {
                        c.rollback();
                        resp.sendError(503, "no TransactionalChanges service");
                        return;
                    }
                    tx.saved(c, EntityType.CONTACT, ids);
                }
                if (report.equals("rollback")) {
                    c.rollback();
                } else {
                    c.commit();
                }
                if (report.equals("tx-halt")) {
                    Runtime.getRuntime().halt(137); // right after the CRM's commit, before anything else
                }
            } catch (java.sql.SQLException e) {
                resp.sendError(500, e.getMessage());
                return;
            }
            if (report.equals("event")) {
                EventAdmin admin = events.getService();
                if (admin == null) {
                    resp.sendError(503, "no EventAdmin");
                    return;
                }
                admin.sendEvent(CrmEvents.savedAll(CrmEvents.ENTITY_CONTACT, ids));
                // the connector queues the change and stores it within milliseconds: answer once it is stored
                SyncStatus s = status.getService();
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (s != null && s.unstoredChanges() > 0 && System.nanoTime() < deadline) {
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
            resp.setContentType("text/plain");
            resp.getWriter().println("changed " + ids.size());
        }
    }

    @Override
    public void stop(BundleContext context) {
        config.close();
        events.close();
        changes.close();
        status.close();
        pool.close();
    }
}
