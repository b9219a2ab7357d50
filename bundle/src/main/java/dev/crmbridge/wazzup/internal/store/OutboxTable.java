package dev.crmbridge.wazzup.internal.store;

import dev.crmbridge.wazzup.api.sync.EntityType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * {@code wz_outbox}: one row per entity with a change Wazzup has not accepted yet; the latest operation
 * wins and every change adds one to the row's {@code seq}, so that completing a row that changed
 * meanwhile leaves the newer change in place. This table is the only record of what is pending.
 */
public final class OutboxTable {

    private final Jdbc jdbc;
    private final String account;

    OutboxTable(Jdbc jdbc, String account) {
        this.jdbc = jdbc;
        this.account = account;
    }

    /** Records changes (ids of at most {@link Schema#ID} characters), due now. Committed when this returns. */
    public void enqueue(EntityType type, Collection<String> ids, OutboxRow.Op op, long now) {
        if (!ids.isEmpty()) {
            jdbc.tx("record changes", c -> {
                enqueue(c, type, ids, op, now);
                return null;
            });
        }
    }

    public void enqueue(Connection c, EntityType type, Collection<String> ids, OutboxRow.Op op, long now) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        if (jdbc.postgres()) {
            // several nodes may record the same entity at once: one upsert, no lost update, no key violation
            try (PreparedStatement up = c.prepareStatement("INSERT INTO wz_outbox AS o (account, etype, eid, op, seq,"
                    + " due_at, attempts, last_error, created_at) VALUES (?, ?, ?, ?, 1, ?, 0, NULL, ?)"
                    + " ON CONFLICT (eid, etype, account) DO UPDATE SET op = EXCLUDED.op, seq = o.seq + 1,"
                    + " due_at = EXCLUDED.due_at, attempts = 0, last_error = NULL")) {
                for (String id : new java.util.LinkedHashSet<>(ids)) {
                    up.setString(1, account);
                    up.setString(2, type.name());
                    up.setString(3, id);
                    up.setString(4, String.valueOf(op.code));
                    up.setLong(5, now);
                    up.setLong(6, now);
                    up.addBatch();
                }
                up.executeBatch();
            }
            return;
        }
        List<String> missing = new ArrayList<>();
        try (PreparedStatement u = c.prepareStatement("UPDATE wz_outbox SET op = ?, seq = seq + 1, due_at = ?,"
                + " attempts = 0, last_error = NULL WHERE account = ? AND etype = ? AND eid = ?")) {
            for (String id : ids) {
                u.setString(1, String.valueOf(op.code));
                u.setLong(2, now);
                u.setString(3, account);
                u.setString(4, type.name());
                u.setString(5, id);
                u.addBatch();
            }
            int[] counts = u.executeBatch();
            int i = 0;
            for (String id : ids) {
                if (counts[i++] == 0) {
                    missing.add(id);
                }
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        try (PreparedStatement in = c.prepareStatement("INSERT INTO wz_outbox (account, etype, eid, op, seq,"
                + " due_at, attempts, last_error, created_at) VALUES (?, ?, ?, ?, 1, ?, 0, NULL, ?)")) {
            for (String id : missing) {
                in.setString(1, account);
                in.setString(2, type.name());
                in.setString(3, id);
                in.setString(4, String.valueOf(op.code));
                in.setLong(5, now);
                in.setLong(6, now);
                in.addBatch();
            }
            in.executeBatch();
        }
    }

    /** Due rows of a type with an id after {@code afterId} ({@code ""} for the start), in id order. */
    public List<OutboxRow> due(EntityType type, long now, String afterId, int limit) {
        return jdbc.tx("read the outbox", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT eid, op, seq, due_at, attempts, created_at FROM wz_outbox"
                    + " WHERE account = ? AND etype = ? AND due_at <= ? AND eid > ? ORDER BY eid")) {
                s.setString(1, account);
                s.setString(2, type.name());
                s.setLong(3, now);
                s.setString(4, afterId);
                s.setMaxRows(limit);
                List<OutboxRow> out = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(new OutboxRow(type, rs.getString(1), OutboxRow.Op.of(rs.getString(2)), rs.getLong(3),
                                rs.getLong(4), rs.getInt(5), rs.getLong(6)));
                    }
                }
                return out;
            }
        });
    }

    /** Every row of the account (to carry pending changes over to another store). */
    public List<OutboxRow> all() {
        return jdbc.tx("read the outbox", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT etype, eid, op, seq, due_at, attempts, created_at"
                    + " FROM wz_outbox WHERE account = ?")) {
                s.setString(1, account);
                List<OutboxRow> out = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(new OutboxRow(EntityType.valueOf(rs.getString(1)), rs.getString(2),
                                OutboxRow.Op.of(rs.getString(3)), rs.getLong(4), rs.getLong(5), rs.getInt(6), rs.getLong(7)));
                    }
                }
                return out;
            }
        });
    }

    /** Removes rows that were handled, unless they changed since they were read. */
    public void complete(Collection<OutboxRow> rows) {
        if (rows.stream().anyMatch(r -> r.seq() >= 0)) {
            jdbc.tx("complete changes", c -> {
                complete(c, rows);
                return null;
            });
        }
    }

    void complete(Connection c, Collection<OutboxRow> rows) throws SQLException {
        // rows of the initial sync (seq < 0) were never in the outbox
        List<OutboxRow> stored = rows.stream().filter(r -> r.seq() >= 0).toList();
        if (stored.isEmpty()) {
            return;
        }
        try (PreparedStatement d = c.prepareStatement(
                "DELETE FROM wz_outbox WHERE account = ? AND etype = ? AND eid = ? AND seq = ?")) {
            for (OutboxRow r : stored) {
                d.setString(1, account);
                d.setString(2, r.type().name());
                d.setString(3, r.id());
                d.setLong(4, r.seq());
                d.addBatch();
            }
            d.executeBatch();
        }
    }

    /**
     * Puts rows off until {@code dueAt}, with the error that made them wait; {@code countAttempt} adds one
     * to their attempts (a deferral behind another entity does not). Rows that changed meanwhile are left
     * as they are (due now).
     */
    public void postpone(Collection<OutboxRow> rows, long dueAt, String error, boolean countAttempt) {
        List<OutboxRow> stored = rows.stream().filter(r -> r.seq() >= 0).toList();
        if (stored.isEmpty()) {
            return;
        }
        jdbc.tx("postpone changes", c -> {
            try (PreparedStatement u = c.prepareStatement("UPDATE wz_outbox SET due_at = ?, attempts = attempts + ?,"
                    + " last_error = ? WHERE account = ? AND etype = ? AND eid = ? AND seq = ?")) {
                for (OutboxRow r : stored) {
                    u.setLong(1, dueAt);
                    u.setInt(2, countAttempt ? 1 : 0);
                    u.setString(3, Jdbc.cut(error, 1000));
                    u.setString(4, account);
                    u.setString(5, r.type().name());
                    u.setString(6, r.id());
                    u.setLong(7, r.seq());
                    u.addBatch();
                }
                u.executeBatch();
            }
            return null;
        });
    }

    /** Pending changes per type. */
    public Map<EntityType, Long> counts() {
        return Store.countsBy(jdbc, account, "wz_outbox");
    }

    /** When the oldest pending change was recorded (epoch ms), or 0 when none is pending. */
    public long oldestCreatedAt() {
        return jdbc.tx("read the outbox", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT MIN(created_at) FROM wz_outbox WHERE account = ?")) {
                s.setString(1, account);
                try (ResultSet rs = s.executeQuery()) {
                    long v = rs.next() ? rs.getLong(1) : 0;
                    return rs.wasNull() ? 0 : v;
                }
            }
        });
    }

    /** The earliest due time of any row that is not due at {@code now}, or {@link Long#MAX_VALUE}. */
    public long nextDueAfter(long now) {
        return jdbc.tx("read the outbox", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT MIN(due_at) FROM wz_outbox WHERE account = ? AND due_at > ?")) {
                s.setString(1, account);
                s.setLong(2, now);
                try (ResultSet rs = s.executeQuery()) {
                    long v = rs.next() ? rs.getLong(1) : 0;
                    return rs.wasNull() || v == 0 ? Long.MAX_VALUE : v;
                }
            }
        });
    }

    static Map<EntityType, Long> zeros() {
        Map<EntityType, Long> out = new EnumMap<>(EntityType.class);
        for (EntityType t : EntityType.values()) {
            out.put(t, 0L);
        }
        return out;
    }
}
