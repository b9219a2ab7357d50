package dev.crmbridge.wazzup.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/** {@code wz_meta}: small facts of an account (the initial sync's position, a requested resync, …). */
public final class MetaTable {

    private final Jdbc jdbc;
    private final String account;

    MetaTable(Jdbc jdbc, String account) {
        this.jdbc = jdbc;
        this.account = account;
    }

    /** A fact, or null. */
    public String get(String name) {
        return jdbc.tx("read state", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT val FROM wz_meta WHERE name = ?")) {
                s.setString(1, account + ":" + name);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
    }

    /**
     * Records a fact unless one is recorded already (another node may record it at the same moment);
     * answers the fact as recorded now.
     */
    public String putIfAbsent(String name, String value) {
        try {
            jdbc.tx("record state", c -> {
                if (jdbc.postgres()) {
                    try (PreparedStatement in = c.prepareStatement("INSERT INTO wz_meta (name, val) VALUES (?, ?)"
                            + " ON CONFLICT (name) DO NOTHING")) {
                        in.setString(1, account + ":" + name);
                        in.setString(2, value);
                        in.executeUpdate();
                    }
                } else if (get(c, name) == null) {
                    put(c, name, value);
                }
                return null;
            });
        } catch (StoreException e) {
            // recorded meanwhile (a key violation): what is recorded counts
        }
        return get(name);
    }

    private String get(Connection c, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT val FROM wz_meta WHERE name = ?")) {
            s.setString(1, account + ":" + name);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Records a fact (null: an empty value). */
    public void put(String name, String value) {
        jdbc.tx("record state", c -> {
            put(c, name, value);
            return null;
        });
    }

    /** Records several facts in one transaction. */
    public void putAll(Map<String, String> facts) {
        jdbc.tx("record state", c -> {
            putAll(c, facts);
            return null;
        });
    }

    public void putAll(Connection c, Map<String, String> facts) throws SQLException {
        for (Map.Entry<String, String> f : facts.entrySet()) {
            put(c, f.getKey(), f.getValue());
        }
    }

    void put(Connection c, String name, String value) throws SQLException {
        if (jdbc.postgres()) {
            try (PreparedStatement up = c.prepareStatement("INSERT INTO wz_meta (name, val) VALUES (?, ?)"
                    + " ON CONFLICT (name) DO UPDATE SET val = EXCLUDED.val")) {
                up.setString(1, account + ":" + name);
                up.setString(2, value);
                up.executeUpdate();
            }
            return;
        }
        try (PreparedStatement u = c.prepareStatement("UPDATE wz_meta SET val = ? WHERE name = ?")) {
            u.setString(1, value);
            u.setString(2, account + ":" + name);
            if (u.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement in = c.prepareStatement("INSERT INTO wz_meta (name, val) VALUES (?, ?)")) {
            in.setString(1, account + ":" + name);
            in.setString(2, value);
            in.executeUpdate();
        }
    }
}
