package dev.crmbridge.wazzup.internal.store;

import dev.crmbridge.wazzup.api.sync.DeadLetter;
import dev.crmbridge.wazzup.api.sync.EntityType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code wz_dead}: entities set aside with the reason (Wazzup rejected them, or the CRM could not give them). */
public final class DeadLetterTable {

    private final Jdbc jdbc;
    private final String account;

    DeadLetterTable(Jdbc jdbc, String account) {
        this.jdbc = jdbc;
        this.account = account;
    }

    /** Sets an entity aside (replacing an older dead letter of it). */
    public void put(DeadLetter d) {
        jdbc.tx("record a dead letter", c -> {
            put(c, d);
            return null;
        });
    }

    void put(Connection c, DeadLetter d) throws SQLException {
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
            in.setString(4, Jdbc.cut(d.errorCode(), 100));
            in.setString(5, Jdbc.cut(d.reason(), 2000));
            in.setString(6, Jdbc.cut(String.join("\n", d.fields()), 2000));
            in.setLong(7, d.since().toEpochMilli());
            in.setInt(8, d.attempts());
            in.executeUpdate();
        }
    }

    /** All dead letters, oldest first. */
    public List<DeadLetter> all() {
        return jdbc.tx("read dead letters", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT etype, eid, code, reason, fields, since, attempts FROM wz_dead"
                    + " WHERE account = ? ORDER BY since, etype, eid")) {
                s.setString(1, account);
                List<DeadLetter> out = new java.util.ArrayList<>();
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
    public int remove(EntityType type, Collection<String> ids) {
        if (ids.isEmpty()) {
            return 0;
        }
        return jdbc.tx("remove dead letters", c -> remove(c, type, ids));
    }

    int remove(Connection c, EntityType type, Collection<String> ids) throws SQLException {
        return Store.deleteIds(c, account, "wz_dead", type, ids);
    }

    /** Which of these ids are dead letters of the type. */
    public Set<String> among(EntityType type, Collection<String> ids) {
        Set<String> out = new HashSet<>();
        jdbc.byIds("read dead letters", "SELECT eid FROM wz_dead WHERE account = ? AND etype = ?", account, type.name(), ids,
                rs -> out.add(rs.getString(1)));
        return out;
    }

    /** Ids of dead letters of a type whose code starts with {@code codePrefix}. */
    List<String> withCode(Connection c, EntityType type, String codePrefix) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT eid FROM wz_dead WHERE account = ? AND etype = ? AND code LIKE ?")) {
            s.setString(1, account);
            s.setString(2, type.name());
            s.setString(3, codePrefix + "%");
            return Jdbc.strings(s);
        }
    }

    /** Dead letters per type. */
    public Map<EntityType, Long> counts() {
        return Store.countsBy(jdbc, account, "wz_dead");
    }
}
