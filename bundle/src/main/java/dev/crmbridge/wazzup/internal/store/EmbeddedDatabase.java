package dev.crmbridge.wazzup.internal.store;

import java.io.File;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The default store: an H2 database file in the bundle's data area, embedded privately in the
 * bundle (no setup, nothing for the host to install). Every commit is written to the file before it
 * returns, so a killed JVM loses nothing that was committed.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private final JdbcDataSource dataSource;
    /** Sessions are kept: each keeps its parsed statements, so a query is parsed once, not per use. */
    private final JdbcConnectionPool pool;

    /** Opens (creating if needed) the database {@code wazzup} in {@code directory}. */
    public EmbeddedDatabase(File directory) {
        if (!directory.isDirectory() && !directory.mkdirs()) {
            throw new IllegalStateException("cannot create " + directory);
        }
        dataSource = new JdbcDataSource();
        // WRITE_DELAY=0: write each commit through; DB_CLOSE_DELAY=-1: open until close(), not until the
        // last connection closes; DB_CLOSE_ON_EXIT=FALSE: the bundle closes it, not a JVM shutdown hook
        dataSource.setURL("jdbc:h2:file:" + new File(directory, "wazzup").getAbsolutePath()
                + ";WRITE_DELAY=0;DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE");
        dataSource.setUser("wazzup");
        dataSource.setPassword("");
        pool = JdbcConnectionPool.create(dataSource);
        pool.setMaxConnections(16);
    }

    public DataSource dataSource() {
        return pool;
    }

    /** Closes the database (its file stays). */
    @Override
    public void close() {
        pool.dispose();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN");
        } catch (SQLException e) {
            // already closed
        }
    }
}
