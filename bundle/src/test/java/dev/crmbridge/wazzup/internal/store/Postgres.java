package dev.crmbridge.wazzup.internal.store;

import dev.crmbridge.wazzup.testdb.PostgresServer;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The tests' real PostgreSQL server: one per test JVM, started on first use in {@code target/pg} (one
 * directory per surefire fork) and
 * stopped when the JVM ends; each test asks for a fresh database of its own.
 */
public final class Postgres {

    private static PostgresServer server;

    private Postgres() {
    }

    /** A new, empty database {@code name} (an earlier one of that name is dropped). */
    public static synchronized DataSource database(String name) {
        try {
            if (server == null) {
                server = PostgresServer.start(Path.of(System.getProperty("wazzup.test.pgDir", "target/pg")));
            }
            String url = server.createDatabase(name);
            return dataSource(url);
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("cannot start the tests' PostgreSQL server: " + e.getMessage(), e);
        }
    }

    /** Another DataSource on the same database (another node). */
    public static DataSource dataSource(String url) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url);
        ds.setUser(PostgresServer.USER);
        return ds;
    }

    public static String url(DataSource ds) {
        return ((PGSimpleDataSource) ds).getUrl();
    }
}
