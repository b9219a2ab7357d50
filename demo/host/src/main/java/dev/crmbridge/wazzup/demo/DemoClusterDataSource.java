package dev.crmbridge.wazzup.demo;

import java.util.Hashtable;
import javax.sql.DataSource;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster demo's shared store ({@code bin/demo-cluster}): when the framework property
 * {@code wazzup.demo.postgres} holds a JDBC URL, a HikariCP pool on that PostgreSQL database is registered
 * as the {@code javax.sql.DataSource} service {@code (dataSourceName=wazzup)}, the one the connector's
 * {@code storage = DATA_SOURCE} picks by default. This is what a host does for a cluster, in a few lines;
 * in Karaf, pax-jdbc-config does the same from a configuration file (see the README). Without the
 * property nothing is registered and the connector keeps its embedded store.
 */
@Component(immediate = true, service = {})
public final class DemoClusterDataSource {

    private static final Logger LOG = LoggerFactory.getLogger(DemoClusterDataSource.class);

    private AutoCloseable pool;
    private ServiceRegistration<DataSource> registration;

    @Activate
    void activate(BundleContext context) {
        String url = context.getProperty("wazzup.demo.postgres");
        if (url == null || url.isBlank()) {
            return;
        }
        String node = context.getProperty("wazzup.demo.node");
        DataSource ds = Pool.open(url, node == null ? "demo" : node);
        pool = (AutoCloseable) ds;
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("dataSourceName", "wazzup");
        registration = context.registerService(DataSource.class, ds, props);
        LOG.info("Demo CRM: the connector's store is the PostgreSQL database {}", url.replaceAll("\\?.*", ""));
    }

    @Deactivate
    void deactivate() throws Exception {
        if (registration != null) {
            registration.unregister();
        }
        if (pool != null) {
            pool.close();
        }
    }

    /** The classes of the optional imports, touched only when the property is set. */
    private static final class Pool {
        static DataSource open(String url, String node) {
            org.postgresql.ds.PGSimpleDataSource pg = new org.postgresql.ds.PGSimpleDataSource();
            pg.setUrl(url);
            pg.setApplicationName("wazzup-demo " + node);
            com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
            config.setDataSource(pg);
            config.setPoolName("wazzup-" + node);
            config.setMaximumPoolSize(10);
            return new com.zaxxer.hikari.HikariDataSource(config);
        }
    }
}
