package dev.crmbridge.wazzup.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import javax.sql.DataSource;

/**
 * The store's small JDBC helper: one transaction per call on a connection of its own, a fence that
 * every commit checks, and {@code IN} lists in chunks. Plain SQL that H2 and PostgreSQL both run, except
 * where {@link #dialect()} says PostgreSQL: there upserts are {@code INSERT … ON CONFLICT} and claims
 * {@code FOR UPDATE SKIP LOCKED}, which stay correct when several nodes write at once.
 */
public final class Jdbc {

    /** At most this many values go into one {@code IN (…)}. */
    public static final int IN_CHUNK = 500;

    /** Work inside a transaction. */
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Work on one chunk of an {@code IN} list. */
    public interface ChunkWork<T> {
        void run(List<T> chunk) throws SQLException;
    }

    /** The engines the store tells apart. */
    public enum Dialect {
        /** PostgreSQL: shared by a cluster; native upserts and claims. */
        POSTGRES,
        /** H2 and any other database: plain SQL, one node. */
        PLAIN
    }

    private final DataSource dataSource;
    private final Fence fence;
    private final Dialect[] dialect;

    public Jdbc(DataSource dataSource) {
        this(dataSource, Fence.NONE, new Dialect[1]);
    }

    private Jdbc(DataSource dataSource, Fence fence, Dialect[] dialect) {
        this.dataSource = dataSource;
        this.fence = fence;
        this.dialect = dialect;
    }

    /** The same database, with commits allowed only while {@code fence} is open. */
    public Jdbc fenced(Fence f) {
        return new Jdbc(dataSource, f, dialect);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** The database's engine, asked of the first connection. */
    public Dialect dialect() {
        Dialect d = dialect[0];
        if (d == null) {
            try (Connection c = dataSource.getConnection()) {
                d = of(c.getMetaData().getDatabaseProductName());
            } catch (SQLException e) {
                throw new StoreException("cannot reach the database", e);
            }
            dialect[0] = d;
        }
        return d;
    }

    static Dialect of(String productName) {
        return productName != null && productName.toLowerCase(java.util.Locale.ROOT).contains("postgres")
                ? Dialect.POSTGRES : Dialect.PLAIN;
    }

    public boolean postgres() {
        return dialect() == Dialect.POSTGRES;
    }

    public Fence fence() {
        return fence;
    }

    /**
     * Runs {@code work} in one transaction and commits it, unless the fence closed meanwhile.
     *
     * @throws StoreException naming {@code what} when the database failed (rolled back)
     * @throws FencedException when the fence is closed (rolled back)
     */
    public <T> T tx(String what, Work<T> work) {
        fence.check();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                fence.check();
                fence.verify(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollback(c);
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot " + what, e);
        }
    }

    /**
     * On PostgreSQL, a {@code WITH} clause that makes a statement run by {@link #single} commit without
     * waiting for the disk ({@code synchronous_commit = off}: never torn, visible at once, at most the
     * last moments lost in a crash of the server, nothing in a crash of this node); the statement joins {@code relaxed} (one row) so
     * that it is evaluated ({@code DELETE … USING relaxed}, {@code UPDATE … FROM relaxed}).
     */
    public static final String RELAXED = "WITH relaxed AS (SELECT set_config('synchronous_commit', 'off', true) AS v) ";

    /**
     * Runs {@code work}, one statement, as a transaction of its own (autocommit): one round trip to the
     * database instead of a statement and a commit.
     *
     * @throws StoreException naming {@code what} when the database failed
     * @throws FencedException when the fence is closed (nothing ran)
     */
    public <T> T single(String what, Work<T> work) {
        fence.check();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreException("cannot " + what, e);
        }
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken: closing it ends the transaction
        }
    }

    /** Runs {@code work} for chunks of at most {@link #IN_CHUNK} of {@code items}. */
    public static <T> void chunks(Collection<T> items, ChunkWork<T> work) throws SQLException {
        List<T> list = items instanceof List<T> l ? l : new ArrayList<>(items);
        for (int from = 0; from < list.size(); from += IN_CHUNK) {
            work.run(list.subList(from, Math.min(list.size(), from + IN_CHUNK)));
        }
    }

    /** One row of a result. */
    public interface RowSink {
        void take(ResultSet rs) throws SQLException;
    }

    /**
     * Runs {@code select} (ending in {@code WHERE account = ? AND etype = ?}) for the rows of these ids,
     * a chunk of the {@code IN} list at a time, in one transaction.
     */
    public void byIds(String what, String select, String account, String type, Collection<String> ids, RowSink rows) {
        if (ids.isEmpty()) {
            return;
        }
        tx(what, c -> {
            chunks(ids, chunk -> {
                try (PreparedStatement s = c.prepareStatement(select + " AND eid IN (" + marks(chunk.size()) + ")")) {
                    s.setString(1, account);
                    s.setString(2, type);
                    set(s, 3, chunk);
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            rows.take(rs);
                        }
                    }
                }
            });
            return null;
        });
    }

    /** {@code ?, ?, …} for {@code n} values. */
    public static String marks(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    /** Sets {@code values} as parameters from index {@code first} on. */
    public static void set(PreparedStatement s, int first, List<String> values) throws SQLException {
        for (int i = 0; i < values.size(); i++) {
            s.setString(first + i, values.get(i));
        }
    }

    /** The first column of every row, as strings. */
    public static List<String> strings(PreparedStatement s) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** The sum of a batch's update counts. */
    public static int total(int[] counts) {
        int n = 0;
        for (int c : counts) {
            n += Math.max(0, c);
        }
        return n;
    }

    /** {@code s} cut to {@code max} characters (free text only: never a key). */
    public static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
