package dev.crmbridge.wazzup.internal.cluster;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Notifications through the PostgreSQL driver's own API. The only class of the bundle that uses the
 * driver: its import is optional, and without it this class fails to load, which {@link Signals} catches.
 */
final class PgReceiver implements Signals.Receiver {

    private final PGConnection connection;

    PgReceiver(Connection c) throws SQLException {
        this.connection = c.unwrap(PGConnection.class);
    }

    @Override
    public List<String> receive(int timeoutMillis) throws SQLException {
        PGNotification[] got = connection.getNotifications(timeoutMillis);
        List<String> out = new ArrayList<>();
        if (got != null) {
            for (PGNotification n : got) {
                out.add(n.getParameter());
            }
        }
        return out;
    }
}
