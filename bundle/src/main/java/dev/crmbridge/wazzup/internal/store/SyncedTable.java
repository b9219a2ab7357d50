package dev.crmbridge.wazzup.internal.store;

import dev.crmbridge.wazzup.api.sync.EntityType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code wz_synced}: what Wazzup holds, as far as the connector knows: per entity the hash of the
 * payload Wazzup last accepted, and its responsible user ({@code owner}, for webhook events).
 */
public final class SyncedTable {

    private final Jdbc jdbc;
    private final String account;

    SyncedTable(Jdbc jdbc, String account) {
        this.jdbc = jdbc;
        this.account = account;
    }

    /** The hashes of what Wazzup last accepted, for those of these ids it holds. */
    public Map<String, String> hashes(EntityType type, Collection<String> ids) {
        Map<String, String> out = new HashMap<>();
        jdbc.byIds("read sync state", "SELECT eid, hash FROM wz_synced WHERE account = ? AND etype = ?", account,
                type.name(), ids, rs -> out.put(rs.getString(1), rs.getString(2)));
        return out;
    }

    /** All ids Wazzup holds of a type, as far as the connector knows. */
    public List<String> ids(EntityType type) {
        return jdbc.tx("read sync state", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT eid FROM wz_synced WHERE account = ? AND etype = ?")) {
                s.setString(1, account);
                s.setString(2, type.name());
                return Jdbc.strings(s);
            }
        });
    }

    /** Entities per type that Wazzup holds. */
    public Map<EntityType, Long> counts() {
        return Store.countsBy(jdbc, account, "wz_synced");
    }

    /**
     * Upserts hashes and owners. {@code known}, when not null, names the ids that already have a row:
     * the others are inserted without trying an update first (the initial sync inserts only), and if one
     * had a row after all, every one is updated or inserted.
     */
    void put(Connection c, EntityType type, Map<String, String> hashes, Collection<String> known,
            Map<String, Refs> refs, long now) throws SQLException {
        if (jdbc.postgres()) {
            upsertPostgres(c, type, hashes, refs, now);
            return;
        }
        List<Map.Entry<String, String>> entries = new ArrayList<>();
        List<Map.Entry<String, String>> missing = new ArrayList<>();
        for (Map.Entry<String, String> e : hashes.entrySet()) {
            (known == null || known.contains(e.getKey()) ? entries : missing).add(e);
        }
        if (!entries.isEmpty()) {
            try (PreparedStatement u = c.prepareStatement(
                    "UPDATE wz_synced SET hash = ?, synced_at = ?, owner = ? WHERE account = ? AND etype = ? AND eid = ?")) {
                for (Map.Entry<String, String> e : entries) {
                    u.setString(1, e.getValue());
                    u.setLong(2, now);
                    u.setString(3, owner(refs, e.getKey()));
                    u.setString(4, account);
                    u.setString(5, type.name());
                    u.setString(6, e.getKey());
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
        if (missing.isEmpty()) {
            return;
        }
        Savepoint sp = known == null ? null : c.setSavepoint();
        try (PreparedStatement in = c.prepareStatement(
                "INSERT INTO wz_synced (account, etype, eid, hash, synced_at, owner) VALUES (?, ?, ?, ?, ?, ?)"
                        // PostgreSQL: another node (a creation request) may insert the same entity at once
                        + (jdbc.postgres() ? " ON CONFLICT (eid, etype, account) DO UPDATE SET hash = EXCLUDED.hash,"
                                + " synced_at = EXCLUDED.synced_at, owner = EXCLUDED.owner" : ""))) {
            for (Map.Entry<String, String> e : missing) {
                in.setString(1, account);
                in.setString(2, type.name());
                in.setString(3, e.getKey());
                in.setString(4, e.getValue());
                in.setLong(5, now);
                in.setString(6, owner(refs, e.getKey()));
                in.addBatch();
            }
            in.executeBatch();
        } catch (SQLException e) {
            if (sp == null) {
                throw e;
            }
            // an id said to be new had a row after all (synced meanwhile): update or insert each
            c.rollback(sp);
            Map<String, String> again = new LinkedHashMap<>();
            missing.forEach(m -> again.put(m.getKey(), m.getValue()));
            put(c, type, again, null, refs, now);
        }
    }

    /**
     * PostgreSQL: every row in one statement (another node, a creation request, may write the same
     * entity at once): the database does one statement per batch instead of one per entity.
     */
    private void upsertPostgres(Connection c, EntityType type, Map<String, String> hashes, Map<String, Refs> refs, long now)
            throws SQLException {
        if (hashes.isEmpty()) {
            return;
        }
        List<String> ids = new ArrayList<>(hashes.keySet());
        List<String> owners = new ArrayList<>();
        for (String id : ids) {
            owners.add(owner(refs, id));
        }
        try (PreparedStatement in = c.prepareStatement("INSERT INTO wz_synced (account, etype, eid, hash, synced_at, owner)"
                + " SELECT ?, ?, x.e, x.h, ?, x.o FROM unnest(?::varchar[], ?::varchar[], ?::varchar[]) AS x(e, h, o)"
                + " ON CONFLICT (eid, etype, account) DO UPDATE SET hash = EXCLUDED.hash, synced_at = EXCLUDED.synced_at,"
                + " owner = EXCLUDED.owner")) {
            in.setString(1, account);
            in.setString(2, type.name());
            in.setLong(3, now);
            in.setArray(4, c.createArrayOf("varchar", ids.toArray()));
            in.setArray(5, c.createArrayOf("varchar", ids.stream().map(hashes::get).toArray()));
            in.setArray(6, c.createArrayOf("varchar", owners.toArray()));
            in.executeUpdate();
        }
    }

    private static String owner(Map<String, Refs> refs, String id) {
        Refs r = refs == null ? null : refs.get(id);
        return r == null ? null : Jdbc.cut(r.owner(), Schema.ID);
    }

    /** Sets the owner column of these entities. */
    void owners(Connection c, EntityType type, Map<String, Refs> refs) throws SQLException {
        try (PreparedStatement u = c.prepareStatement(
                "UPDATE wz_synced SET owner = ? WHERE account = ? AND etype = ? AND eid = ?")) {
            for (Map.Entry<String, Refs> e : refs.entrySet()) {
                u.setString(1, owner(refs, e.getKey()));
                u.setString(2, account);
                u.setString(3, type.name());
                u.setString(4, e.getKey());
                u.addBatch();
            }
            u.executeBatch();
        }
    }

    int remove(Connection c, EntityType type, Collection<String> ids) throws SQLException {
        return Store.deleteIds(c, account, "wz_synced", type, ids);
    }

    void clear(Connection c) throws SQLException {
        Store.deleteAccount(c, account, "wz_synced");
    }
}
