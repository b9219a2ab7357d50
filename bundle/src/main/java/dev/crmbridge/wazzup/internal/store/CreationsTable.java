package dev.crmbridge.wazzup.internal.store;

import dev.crmbridge.wazzup.api.sync.EntityType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * {@code wz_created}: Wazzup's creation requests ({@code createContact}, {@code createDeal}), recorded
 * before the host is asked (state {@code P}) and answered with the entity it made (state {@code D}),
 * so that a retry gets that entity, even when the connector died in between.
 */
public final class CreationsTable {

    /** A recorded creation request; {@code entityId} is null while it is not answered. */
    public record Creation(String requestKey, EntityType type, String entityId, long createdAt) {

        public boolean answered() {
            return entityId != null;
        }
    }

    private final Jdbc jdbc;
    private final String account;

    CreationsTable(Jdbc jdbc, String account) {
        this.jdbc = jdbc;
        this.account = account;
    }

    /** The request of this key, or null. */
    public Creation find(String requestKey) {
        return jdbc.tx("read creation requests", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT request_key, etype, entity_id, state, created_at FROM wz_created"
                    + " WHERE request_key = ? AND account = ?")) {
                s.setString(1, requestKey);
                s.setString(2, account);
                return first(s);
            }
        });
    }

    /**
     * The newest request whose key starts with {@code prefix} (free of {@code %} and {@code _}), made at
     * {@code since} or later, or null.
     */
    public Creation latest(String prefix, long since) {
        return jdbc.tx("read creation requests", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT request_key, etype, entity_id, state, created_at FROM wz_created"
                    + " WHERE request_key LIKE ? AND account = ? AND created_at >= ? ORDER BY created_at DESC")) {
                s.setString(1, prefix + "%");
                s.setString(2, account);
                s.setLong(3, since);
                s.setMaxRows(1);
                return first(s);
            }
        });
    }

    private static Creation first(PreparedStatement s) throws SQLException {
        try (ResultSet rs = s.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            boolean done = "D".equals(rs.getString(4));
            return new Creation(rs.getString(1), EntityType.valueOf(rs.getString(2)), done ? rs.getString(3) : null,
                    rs.getLong(5));
        }
    }

    /** Records a request before the host is asked. Answers false when its key was recorded already. */
    public boolean begin(String requestKey, EntityType type, long now) {
        try {
            return jdbc.tx("record a creation request", c -> {
                try (PreparedStatement in = c.prepareStatement("INSERT INTO wz_created (account, request_key, etype, entity_id,"
                        + " created_at, state) VALUES (?, ?, ?, '', ?, 'P')")) {
                    in.setString(1, account);
                    in.setString(2, requestKey);
                    in.setString(3, type.name());
                    in.setLong(4, now);
                    in.executeUpdate();
                }
                return true;
            });
        } catch (StoreException e) {
            if (find(requestKey) != null) {
                return false; // recorded meanwhile (a unique key violation)
            }
            throw e;
        }
    }

    void answer(Connection c, String requestKey, String entityId) throws SQLException {
        try (PreparedStatement u = c.prepareStatement("UPDATE wz_created SET entity_id = ?, state = 'D'"
                + " WHERE request_key = ? AND account = ?")) {
            u.setString(1, entityId);
            u.setString(2, requestKey);
            u.setString(3, account);
            if (u.executeUpdate() == 0) {
                throw new SQLException("the creation request is not recorded");
            }
        }
    }

    /** Forgets requests made before {@code before}. */
    public int purge(long before) {
        return Store.purge(jdbc, account, "wz_created", "created_at", before);
    }
}
