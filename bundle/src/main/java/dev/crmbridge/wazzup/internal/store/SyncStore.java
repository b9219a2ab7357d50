package dev.crmbridge.wazzup.internal.store;

import dev.crmbridge.wazzup.api.sync.DeadLetter;
import dev.crmbridge.wazzup.api.sync.EntityType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The connector's durable state, in four tables keyed by (entity id, type, account), the id first so
 * that lookups of many ids ({@code eid IN (…)}) and id-ordered scans use the primary key: {@code wz_outbox} (one row per entity with a change
 * Wazzup has not accepted yet), {@code wz_synced} (the hash of the payload Wazzup last accepted, per
 * entity), {@code wz_dead} (entities Wazzup rejected) and {@code wz_meta} (schema version and small
 * facts). Plain SQL that H2 and PostgreSQL both run: upserts are an UPDATE, then an INSERT when no row
 * was there. Thread-safe: every method uses its own connection and transaction.
 */
public final class SyncStore {

    /** The schema version this code writes. */
    static final int SCHEMA_VERSION = 1;

    private static final int IN_CHUNK = 500;

    private final DataSource dataSource;
    private final String account;

    public SyncStore(DataSource dataSource, String account) {
        this.dataSource = dataSource;
        this.account = account;
    }

    // ---------------------------------------------------------------- schema

    /** Creates or migrates the schema. Safe to call on every start. */
    public void migrate() {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            int version = schemaVersion(c);
            if (version > SCHEMA_VERSION) {
                throw new StoreException("schema", new SQLException("the database has schema version " + version
                        + ", newer than this connector understands (" + SCHEMA_VERSION + ")"));
            }
            try (Statement s = c.createStatement()) {
                if (version < 1) {
                    s.execute("CREATE TABLE wz_meta (name VARCHAR(200) NOT NULL PRIMARY KEY, val VARCHAR(4000))");
                    s.execute("CREATE TABLE wz_outbox (account VARCHAR(64) NOT NULL, etype VARCHAR(16) NOT NULL,"
                            + " eid VARCHAR(255) NOT NULL, op CHAR(1) NOT NULL, seq BIGINT NOT NULL, due_at BIGINT NOT NULL,"
                            + " attempts INT NOT NULL, last_error VARCHAR(1000), created_at BIGINT NOT NULL,"
                            + " PRIMARY KEY (eid, etype, account))");
                    s.execute("CREATE TABLE wz_synced (account VARCHAR(64) NOT NULL, etype VARCHAR(16) NOT NULL,"
                            + " eid VARCHAR(255) NOT NULL, hash VARCHAR(64) NOT NULL, synced_at BIGINT NOT NULL,"
                            + " PRIMARY KEY (eid, etype, account))");
                    s.execute("CREATE TABLE wz_dead (account VARCHAR(64) NOT NULL, etype VARCHAR(16) NOT NULL,"
                            + " eid VARCHAR(255) NOT NULL, code VARCHAR(100), reason VARCHAR(2000), fields VARCHAR(2000),"
                            + " since BIGINT NOT NULL, attempts INT NOT NULL, PRIMARY KEY (eid, etype, account))");
                    s.execute("INSERT INTO wz_meta (name, val) VALUES ('schema.version', '1')");
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw new StoreException("cannot create or migrate the schema", e);
        }
    }

    private static int schemaVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT val FROM wz_meta WHERE name = 'schema.version'")) {
            return rs.next() ? Integer.parseInt(rs.getString(1)) : 0;
        } catch (SQLException noTable) {
            c.rollback();
            return 0;
        }
    }

    // ---------------------------------------------------------------- outbox

    /**
     * Records that these entities changed: one row per entity, the latest operation wins, due now.
     * Committed when this returns.
     */
    public void enqueue(EntityType type, Collection<String> ids, OutboxRow.Op op, long now) {
        if (ids.isEmpty()) {
            return;
        }
        inTransaction("record changes", c -> {
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
            if (!missing.isEmpty()) {
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
            return null;
        });
    }

    /**
     * Due rows of a type with an id after {@code afterId} (keyset paging; {@code ""} for the start), in id
     * order.
     */
    public List<OutboxRow> due(EntityType type, long now, String afterId, int limit) {
        return inTransaction("read the outbox", c -> {
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

    /** Removes rows that were handled, unless they changed since they were read. */
    public void complete(Collection<OutboxRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        inTransaction("complete changes", c -> {
            deleteRows(c, rows);
            return null;
        });
    }

    private void deleteRows(Connection c, Collection<OutboxRow> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement d = c.prepareStatement(
                "DELETE FROM wz_outbox WHERE account = ? AND etype = ? AND eid = ? AND seq = ?")) {
            for (OutboxRow r : rows) {
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
     * to their attempts (a deferral behind another entity does not).
     */
    public void postpone(Collection<OutboxRow> rows, long dueAt, String error, boolean countAttempt) {
        if (rows.isEmpty()) {
            return;
        }
        inTransaction("postpone changes", c -> {
            try (PreparedStatement u = c.prepareStatement("UPDATE wz_outbox SET due_at = ?, attempts = attempts + ?,"
                    + " last_error = ? WHERE account = ? AND etype = ? AND eid = ? AND seq = ?")) {
                for (OutboxRow r : rows) {
                    u.setLong(1, dueAt);
                    u.setInt(2, countAttempt ? 1 : 0);
                    u.setString(3, truncate(error, 1000));
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
    public Map<EntityType, Long> pendingCounts() {
        return countsBy("wz_outbox");
    }

    /** The earliest due time of any row that is not due at {@code now}, or {@link Long#MAX_VALUE}. */
    public long nextDueAfter(long now) {
        return inTransaction("read the outbox", c -> {
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

    // ---------------------------------------------------------------- what Wazzup holds

    /** The hashes of what Wazzup last accepted, for those of these ids it holds. */
    public Map<String, String> hashes(EntityType type, Collection<String> ids) {
        Map<String, String> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        List<String> list = new ArrayList<>(ids);
        inTransaction("read sync state", c -> {
            for (int from = 0; from < list.size(); from += IN_CHUNK) {
                List<String> chunk = list.subList(from, Math.min(list.size(), from + IN_CHUNK));
                try (PreparedStatement s = c.prepareStatement("SELECT eid, hash FROM wz_synced WHERE account = ? AND etype = ?"
                        + " AND eid IN (" + placeholders(chunk.size()) + ")")) {
                    s.setString(1, account);
                    s.setString(2, type.name());
                    for (int i = 0; i < chunk.size(); i++) {
                        s.setString(3 + i, chunk.get(i));
                    }
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            out.put(rs.getString(1), rs.getString(2));
                        }
                    }
                }
            }
            return null;
        });
        return out;
    }

    /** All ids Wazzup holds of a type, as far as the connector knows. */
    public List<String> syncedIds(EntityType type) {
        return inTransaction("read sync state", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT eid FROM wz_synced WHERE account = ? AND etype = ?")) {
                s.setString(1, account);
                s.setString(2, type.name());
                List<String> out = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
                return out;
            }
        });
    }

    /** Records what Wazzup accepted now. */
    public void putHashes(EntityType type, Map<String, String> hashes, long now) {
        if (hashes.isEmpty()) {
            return;
        }
        inTransaction("record sync state", c -> {
            putHashes(c, type, hashes, now);
            return null;
        });
    }

    /**
     * Wazzup accepted these rows' payloads: records the hashes, removes the rows (unless they changed
     * meanwhile) and any dead letters of them, in one transaction.
     */
    public void accepted(EntityType type, Map<String, String> hashes, Collection<String> known, Collection<OutboxRow> rows,
            boolean clearDeadLetters, long now) {
        inTransaction("record accepted changes", c -> {
            putHashes(c, type, hashes, known, now);
            deleteRows(c, rows);
            if (clearDeadLetters) {
                deleteIds(c, "wz_dead", type, hashes.keySet());
            }
            return null;
        });
    }

    private void putHashes(Connection c, EntityType type, Map<String, String> hashes, long now) throws SQLException {
        putHashes(c, type, hashes, null, now);
    }

    /**
     * Upserts hashes. {@code known}, when not null, names the ids that already have a row: the others
     * are inserted without trying an update first (the initial sync inserts only).
     */
    private void putHashes(Connection c, EntityType type, Map<String, String> hashes, Collection<String> known, long now)
            throws SQLException {
        List<Map.Entry<String, String>> entries = new ArrayList<>();
        List<Map.Entry<String, String>> missing = new ArrayList<>();
        for (Map.Entry<String, String> e : hashes.entrySet()) {
            (known == null || known.contains(e.getKey()) ? entries : missing).add(e);
        }
        if (!entries.isEmpty()) {
            try (PreparedStatement u = c.prepareStatement(
                    "UPDATE wz_synced SET hash = ?, synced_at = ? WHERE account = ? AND etype = ? AND eid = ?")) {
            for (Map.Entry<String, String> e : entries) {
                u.setString(1, e.getValue());
                u.setLong(2, now);
                u.setString(3, account);
                u.setString(4, type.name());
                u.setString(5, e.getKey());
                u.addBatch();
            }
            int[] counts = u.executeBatch();
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] == 0) {
                    missing.add(entries.get(i));
                }
            }
            }
        }
        if (!missing.isEmpty()) {
            try (PreparedStatement in = c.prepareStatement(
                    "INSERT INTO wz_synced (account, etype, eid, hash, synced_at) VALUES (?, ?, ?, ?, ?)")) {
                for (Map.Entry<String, String> e : missing) {
                    in.setString(1, account);
                    in.setString(2, type.name());
                    in.setString(3, e.getKey());
                    in.setString(4, e.getValue());
                    in.setLong(5, now);
                    in.addBatch();
                }
                in.executeBatch();
            }
        }
    }

    /** Forgets that Wazzup holds these entities (they were deleted there). */
    public void removeHashes(EntityType type, Collection<String> ids) {
        deleteIds("wz_synced", type, ids);
    }

    /** Forgets everything Wazzup holds (another account: all must be sent again). */
    public void clearHashes() {
        inTransaction("reset sync state", c -> {
            try (PreparedStatement d = c.prepareStatement("DELETE FROM wz_synced WHERE account = ?")) {
                d.setString(1, account);
                d.executeUpdate();
            }
            return null;
        });
    }

    /** Entities per type that Wazzup holds. */
    public Map<EntityType, Long> syncedCounts() {
        return countsBy("wz_synced");
    }

    // ---------------------------------------------------------------- dead letters

    /** Sets an entity aside with Wazzup's reason (replacing an older dead letter of it). */
    public void putDeadLetter(DeadLetter d) {
        inTransaction("record a dead letter", c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM wz_dead WHERE account = ? AND etype = ? AND eid = ?")) {
                del.setString(1, account);
                del.setString(2, d.type().name());
                del.setString(3, d.entityId());
                del.executeUpdate();
            }
            try (PreparedStatement in = c.prepareStatement("INSERT INTO wz_dead (account, etype, eid, code, reason, fields,"
                    + " since, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                in.setString(1, account);
                in.setString(2, d.type().name());
                in.setString(3, d.entityId());
                in.setString(4, truncate(d.errorCode(), 100));
                in.setString(5, truncate(d.reason(), 2000));
                in.setString(6, truncate(String.join("\n", d.fields()), 2000));
                in.setLong(7, d.since().toEpochMilli());
                in.setInt(8, d.attempts());
                in.executeUpdate();
            }
            return null;
        });
    }

    /** All dead letters, oldest first. */
    public List<DeadLetter> deadLetters() {
        return inTransaction("read dead letters", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT etype, eid, code, reason, fields, since, attempts FROM wz_dead"
                    + " WHERE account = ? ORDER BY since, etype, eid")) {
                s.setString(1, account);
                List<DeadLetter> out = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        String fields = rs.getString(5);
                        out.add(new DeadLetter(EntityType.valueOf(rs.getString(1)), rs.getString(2), rs.getString(3),
                                rs.getString(4), fields == null || fields.isEmpty() ? List.of() : Arrays.asList(fields.split("\n")),
                                Instant.ofEpochMilli(rs.getLong(6)), rs.getInt(7)));
                    }
                }
                return out;
            }
        });
    }

    /** Removes dead letters; answers how many there were. */
    public int removeDeadLetters(EntityType type, Collection<String> ids) {
        return deleteIds("wz_dead", type, ids);
    }

    /** Which of these ids are dead letters of the type. */
    public java.util.Set<String> deadIds(EntityType type, Collection<String> ids) {
        java.util.Set<String> out = new java.util.HashSet<>();
        if (ids.isEmpty()) {
            return out;
        }
        List<String> list = new ArrayList<>(ids);
        inTransaction("read dead letters", c -> {
            for (int from = 0; from < list.size(); from += IN_CHUNK) {
                List<String> chunk = list.subList(from, Math.min(list.size(), from + IN_CHUNK));
                try (PreparedStatement s = c.prepareStatement("SELECT eid FROM wz_dead WHERE account = ? AND etype = ?"
                        + " AND eid IN (" + placeholders(chunk.size()) + ")")) {
                    s.setString(1, account);
                    s.setString(2, type.name());
                    for (int i = 0; i < chunk.size(); i++) {
                        s.setString(3 + i, chunk.get(i));
                    }
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            out.add(rs.getString(1));
                        }
                    }
                }
            }
            return null;
        });
        return out;
    }

    /** Ids of dead letters of a type whose code starts with {@code codePrefix}. */
    public List<String> deadIdsWithCode(EntityType type, String codePrefix) {
        return inTransaction("read dead letters", c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT eid FROM wz_dead WHERE account = ? AND etype = ? AND code LIKE ?")) {
                s.setString(1, account);
                s.setString(2, type.name());
                s.setString(3, codePrefix + "%");
                List<String> out = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
                return out;
            }
        });
    }

    /** Dead letters per type. */
    public Map<EntityType, Long> deadCounts() {
        return countsBy("wz_dead");
    }

    // ---------------------------------------------------------------- facts

    /** A small fact of this account, or null. */
    public String meta(String name) {
        return inTransaction("read state", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT val FROM wz_meta WHERE name = ?")) {
                s.setString(1, account + ":" + name);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
    }

    public void meta(String name, String value) {
        inTransaction("record state", c -> {
            try (PreparedStatement u = c.prepareStatement("UPDATE wz_meta SET val = ? WHERE name = ?")) {
                u.setString(1, value);
                u.setString(2, account + ":" + name);
                if (u.executeUpdate() == 0) {
                    try (PreparedStatement in = c.prepareStatement("INSERT INTO wz_meta (name, val) VALUES (?, ?)")) {
                        in.setString(1, account + ":" + name);
                        in.setString(2, value);
                        in.executeUpdate();
                    }
                }
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- helpers

    private Map<EntityType, Long> countsBy(String table) {
        return inTransaction("count " + table, c -> {
            Map<EntityType, Long> out = new EnumMap<>(EntityType.class);
            for (EntityType t : EntityType.values()) {
                out.put(t, 0L);
            }
            try (PreparedStatement s = c.prepareStatement("SELECT etype, COUNT(*) FROM " + table + " WHERE account = ? GROUP BY etype")) {
                s.setString(1, account);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.put(EntityType.valueOf(rs.getString(1)), rs.getLong(2));
                    }
                }
            }
            return out;
        });
    }

    private int deleteIds(String table, EntityType type, Collection<String> ids) {
        if (ids.isEmpty()) {
            return 0;
        }
        return inTransaction("update " + table, c -> deleteIds(c, table, type, ids));
    }

    private int deleteIds(Connection c, String table, EntityType type, Collection<String> ids) throws SQLException {
        int n = 0;
        if (ids.isEmpty()) {
            return n;
        }
        try (PreparedStatement d = c.prepareStatement("DELETE FROM " + table + " WHERE account = ? AND etype = ? AND eid = ?")) {
            for (String id : ids) {
                d.setString(1, account);
                d.setString(2, type.name());
                d.setString(3, id);
                d.addBatch();
            }
            for (int count : d.executeBatch()) {
                n += Math.max(0, count);
            }
        }
        return n;
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T inTransaction(String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot " + what, e);
        }
    }

    private static String placeholders(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
