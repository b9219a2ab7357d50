package dev.crmbridge.wazzup.internal.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Moves everything of one account from the store being left to the new one (a storage switch): pending
 * changes, what Wazzup holds, chat owners, dead letters, webhook notifications not delivered yet (and
 * the keys that drop Wazzup's repeats), creation requests and their answers, and the account's facts
 * (the initial sync's position, a requested reconciliation). Rows the new store already has (by key)
 * stay as they are. Nothing Wazzup was answered 200 for stays behind.
 */
public final class Handover {

    /** A table: its key columns, how its rows of an account are chosen, and a column never copied. */
    private record Table(String name, List<String> key, String where, String order, String generated) {
    }

    private static final List<Table> TABLES = List.of(
            new Table("wz_outbox", List.of("eid", "etype", "account"), "account = ?", "seq", null),
            new Table("wz_synced", List.of("eid", "etype", "account"), "account = ?", null, null),
            new Table("wz_dead", List.of("eid", "etype", "account"), "account = ?", null, null),
            new Table("wz_chat", List.of("chat_key", "contact_id", "account"), "account = ?", null, null),
            new Table("wz_link", List.of("contact_id", "deal_id", "account"), "account = ?", null, null),
            new Table("wz_seen", List.of("dedup", "account"), "account = ?", null, null),
            new Table("wz_created", List.of("request_key", "account"), "account = ?", null, null),
            // in the order they came; the new store numbers them after its own
            new Table("wz_inbox", List.of("dedup", "account"), "account = ?", "seq", "seq"),
            new Table("wz_meta", List.of("name"), "name LIKE ? ESCAPE '!'", null, null));

    private Handover() {
    }

    /** Copies the account's rows of {@code from} into {@code to}; answers how many were copied per table. */
    public static Map<String, Integer> copy(Store from, Store to) {
        Map<String, Integer> copied = new LinkedHashMap<>();
        String account = from.account();
        for (Table t : TABLES) {
            String param = t.name().equals("wz_meta") ? likeEscaped(account) + ":%" : account;
            Rows rows = read(from.jdbc(), t, param);
            if (!rows.values().isEmpty()) {
                copied.put(t.name(), write(to.jdbc(), t, rows));
            }
        }
        return copied;
    }

    private record Rows(List<String> columns, List<Object[]> values) {
    }

    private static Rows read(Jdbc jdbc, Table t, String param) {
        return jdbc.tx("read " + t.name() + " to carry it over", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT * FROM " + t.name() + " WHERE " + t.where()
                    + (t.order() == null ? "" : " ORDER BY " + t.order()))) {
                s.setString(1, param);
                try (ResultSet rs = s.executeQuery()) {
                    ResultSetMetaData md = rs.getMetaData();
                    List<String> columns = new ArrayList<>();
                    List<Integer> at = new ArrayList<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        String name = md.getColumnLabel(i).toLowerCase(Locale.ROOT);
                        if (!name.equals(t.generated())) {
                            columns.add(name);
                            at.add(i);
                        }
                    }
                    List<Object[]> values = new ArrayList<>();
                    while (rs.next()) {
                        Object[] row = new Object[at.size()];
                        for (int i = 0; i < row.length; i++) {
                            row[i] = rs.getObject(at.get(i));
                        }
                        values.add(row);
                    }
                    return new Rows(columns, values);
                }
            }
        });
    }

    private static int write(Jdbc jdbc, Table t, Rows rows) {
        List<Integer> keyAt = t.key().stream().map(rows.columns()::indexOf).toList();
        if (keyAt.contains(-1)) {
            throw new StoreException("cannot carry " + t.name() + " over: its key columns are not " + t.key(), null);
        }
        String exists = "SELECT 1 FROM " + t.name() + " WHERE " + String.join(" AND ", t.key().stream().map(k -> k + " = ?").toList());
        String insert = "INSERT INTO " + t.name() + " (" + String.join(", ", rows.columns()) + ") VALUES ("
                + Jdbc.marks(rows.columns().size()) + ")";
        return jdbc.tx("carry " + t.name() + " over", c -> {
            int n = 0;
            try (PreparedStatement e = c.prepareStatement(exists); PreparedStatement in = c.prepareStatement(insert)) {
                for (Object[] row : rows.values()) {
                    if (!present(e, keyAt, row)) {
                        for (int i = 0; i < row.length; i++) {
                            in.setObject(i + 1, row[i]);
                        }
                        in.addBatch();
                        n++;
                    }
                }
                if (n > 0) {
                    in.executeBatch();
                }
            }
            return n;
        });
    }

    private static boolean present(PreparedStatement exists, List<Integer> keyAt, Object[] row) throws SQLException {
        for (int i = 0; i < keyAt.size(); i++) {
            exists.setObject(i + 1, row[keyAt.get(i)]);
        }
        try (ResultSet rs = exists.executeQuery()) {
            return rs.next();
        }
    }

    private static String likeEscaped(String s) {
        return s.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }
}
