package dev.crmbridge.wazzup.internal.store;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * A real H2 database (in memory) whose connections a test can make misbehave: stall every new connection
 * until a time, or fail the next statements whose SQL matches.
 */
public final class FaultyDataSource implements DataSource {

    private final JdbcDataSource h2 = new JdbcDataSource();
    private volatile long stallUntilNanos;
    private volatile Predicate<String> failing = sql -> false;
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();

    /** A fresh in-memory database of this name. */
    public FaultyDataSource(String name) {
        h2.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        h2.setUser("sa");
    }

    /** Every connection asked for from now on waits until {@code millis} from now. */
    public void stallFor(long millis) {
        stallUntilNanos = System.nanoTime() + millis * 1_000_000;
    }

    /** The next {@code times} statements whose SQL matches fail with an SQLException. */
    public void fail(Predicate<String> sql, int times) {
        failing = sql;
        failuresLeft.set(times);
    }

    /** How many statements failed as asked. */
    public int failed() {
        return failed.get();
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
        return wrap(h2.getConnection());
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return getConnection();
    }

    private Connection wrap(Connection c) {
        InvocationHandler h = (proxy, method, args) -> {
            if ((method.getName().equals("prepareStatement") || method.getName().equals("prepareCall"))
                    && args != null && args[0] instanceof String sql && failing.test(sql)
                    && failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                failed.incrementAndGet();
                throw new SQLException("injected failure of: " + sql);
            }
            try {
                return method.invoke(c, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, h);
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
