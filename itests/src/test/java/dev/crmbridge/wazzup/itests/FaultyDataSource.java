package dev.crmbridge.wazzup.itests;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The host's database as a test registers it: a real H2 database in memory whose connections the test
 * can make misbehave. It can stall every new connection for a while, or fail writes of chosen
 * statements until a number of records (rows of a batch, or one per single update) were refused.
 */
public final class FaultyDataSource implements DataSource {

    private final JdbcDataSource h2 = new JdbcDataSource();
    private volatile long stallUntilNanos;
    private volatile Predicate<String> failing = sql -> false;
    private final AtomicInteger recordsToRefuse = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    public FaultyDataSource(String name) {
        h2.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        h2.setUser("sa");
    }

    /** Every connection asked for from now on waits until {@code millis} from now. */
    public void stallFor(long millis) {
        stallUntilNanos = System.nanoTime() + millis * 1_000_000;
    }

    /** Writes of statements whose SQL matches fail until {@code records} records were refused. */
    public void refuse(Predicate<String> sql, int records) {
        failing = sql;
        recordsToRefuse.set(records);
    }

    /** How many records were refused. */
    public int refused() {
        return refused.get();
    }

    @Override
    public Connection getConnection() throws SQLException {
        long left;
        while ((left = stallUntilNanos - System.nanoTime()) > 0) {
            try {
                Thread.sleep(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while stalled");
            }
        }
        Connection c = h2.getConnection();
        return proxy(Connection.class, c, (proxy, method, args) -> {
            Object result = call(c, method, args);
            if (result instanceof PreparedStatement ps && args != null && args[0] instanceof String sql && failing.test(sql)) {
                return statement(ps);
            }
            return result;
        });
    }

    private PreparedStatement statement(PreparedStatement ps) {
        int[] batch = new int[1];
        return proxy(PreparedStatement.class, ps, (proxy, method, args) -> {
            switch (method.getName()) {
                case "addBatch" -> batch[0]++;
                case "executeBatch", "executeUpdate", "execute" -> {
                    int records = method.getName().equals("executeBatch") ? Math.max(1, batch[0]) : 1;
                    batch[0] = 0;
                    if (recordsToRefuse.getAndUpdate(n -> Math.max(0, n - records)) > 0) {
                        refused.addAndGet(records);
                        throw new SQLException("injected failure: " + records + " records refused");
                    }
                }
                default -> {
                }
            }
            return call(ps, method, args);
        });
    }

    private static Object call(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, T target, InvocationHandler h) {
        return (T) Proxy.newProxyInstance(FaultyDataSource.class.getClassLoader(), new Class<?>[] {type}, h);
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return false;
    }
}
