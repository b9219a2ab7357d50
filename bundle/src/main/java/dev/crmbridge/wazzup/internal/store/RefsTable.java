package dev.crmbridge.wazzup.internal.store;

import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.internal.util.Digests;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code wz_chat} (which synced contact a chat belongs to) and {@code wz_link} (a deal's contacts): what
 * the connector remembers of synced contacts and deals to tell webhook events whose chat they are.
 */
public final class RefsTable {

    /** Who a chat belongs to, as far as the connector synced it. */
    public record ChatOwners(List<String> contactIds, List<String> dealIds, List<String> userIds) {

        public static final ChatOwners NONE = new ChatOwners(List.of(), List.of(), List.of());
    }

    private final Jdbc jdbc;
    private final String account;

    RefsTable(Jdbc jdbc, String account) {
        this.jdbc = jdbc;
        this.account = account;
    }

    /** The key of a chat as {@code wz_chat} holds it: {@code chatType:chatId}, bounded to the column. */
    public static String chatKey(String chatType, String chatId) {
        return Digests.bounded(Refs.chatKey(chatType, chatId), Schema.CHAT_KEY);
    }

    /**
     * The synced contacts that any of {@code handles} (chat ids, usernames, phones of one chat type)
     * denotes, their deals and the responsible users of both, in one query.
     */
    public ChatOwners chatOwners(String chatType, Collection<String> handles) {
        List<String> keys = handles.stream().filter(h -> h != null && !h.isEmpty()).map(h -> chatKey(chatType, h))
                .distinct().toList();
        if (keys.isEmpty()) {
            return ChatOwners.NONE;
        }
        return jdbc.tx("read chat owners", c -> {
            Set<String> contacts = new LinkedHashSet<>();
            Set<String> deals = new LinkedHashSet<>();
            Set<String> users = new LinkedHashSet<>();
            try (PreparedStatement s = c.prepareStatement("SELECT ch.contact_id, sc.owner, l.deal_id, sd.owner FROM wz_chat ch"
                    + " LEFT JOIN wz_synced sc ON sc.eid = ch.contact_id AND sc.etype = 'CONTACT' AND sc.account = ch.account"
                    + " LEFT JOIN wz_link l ON l.contact_id = ch.contact_id AND l.account = ch.account"
                    + " LEFT JOIN wz_synced sd ON sd.eid = l.deal_id AND sd.etype = 'DEAL' AND sd.account = ch.account"
                    + " WHERE ch.account = ? AND ch.chat_key IN (" + Jdbc.marks(keys.size()) + ")"
                    + " ORDER BY ch.contact_id, l.deal_id")) {
                s.setString(1, account);
                Jdbc.set(s, 2, keys);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        contacts.add(rs.getString(1));
                        addIfPresent(users, rs.getString(2));
                        addIfPresent(deals, rs.getString(3));
                        addIfPresent(users, rs.getString(4));
                    }
                }
            }
            return new ChatOwners(List.copyOf(contacts), List.copyOf(deals), List.copyOf(users));
        });
    }

    private static void addIfPresent(Set<String> set, String value) {
        if (value != null) {
            set.add(value);
        }
    }

    /**
     * Replaces the references of contacts or deals. {@code known}: ids that may have references already
     * (the others are new: nothing to clear first; if one had references after all, all are replaced).
     */
    void replace(Connection c, EntityType type, Map<String, Refs> refs, Collection<String> known) throws SQLException {
        if (refs == null || refs.isEmpty() || (type != EntityType.CONTACT && type != EntityType.DEAL)) {
            return;
        }
        if (known != null) {
            Savepoint sp = c.setSavepoint();
            try {
                write(c, type, refs, known);
                return;
            } catch (SQLException e) {
                c.rollback(sp);
            }
        }
        write(c, type, refs, refs.keySet());
    }

    private void write(Connection c, EntityType type, Map<String, Refs> refs, Collection<String> stale) throws SQLException {
        boolean contact = type == EntityType.CONTACT;
        remove(c, type, stale);
        if (jdbc.postgres()) {
            // one statement for all of them: the database does one per batch instead of one per reference
            List<String> keys = new ArrayList<>();
            List<String> entities = new ArrayList<>();
            for (Map.Entry<String, Refs> e : refs.entrySet()) {
                Set<String> of = new LinkedHashSet<>();
                if (contact) {
                    e.getValue().chatKeys().forEach(k -> of.add(Digests.bounded(k, Schema.CHAT_KEY)));
                } else {
                    e.getValue().contactIds().forEach(k -> of.add(Digests.bounded(k, Schema.ID)));
                }
                for (String key : of) {
                    keys.add(key);
                    entities.add(e.getKey());
                }
            }
            if (keys.isEmpty()) {
                return;
            }
            try (PreparedStatement in = c.prepareStatement(contact
                    ? "INSERT INTO wz_chat (account, chat_key, contact_id) SELECT ?, x.k, x.e"
                            + " FROM unnest(?::varchar[], ?::varchar[]) AS x(k, e) ON CONFLICT DO NOTHING"
                    : "INSERT INTO wz_link (account, contact_id, deal_id) SELECT ?, x.k, x.e"
                            + " FROM unnest(?::varchar[], ?::varchar[]) AS x(k, e) ON CONFLICT DO NOTHING")) {
                in.setString(1, account);
                in.setArray(2, c.createArrayOf("varchar", keys.toArray()));
                in.setArray(3, c.createArrayOf("varchar", entities.toArray()));
                in.executeUpdate();
            }
            return;
        }
        try (PreparedStatement in = c.prepareStatement(contact
                ? "INSERT INTO wz_chat (account, chat_key, contact_id) VALUES (?, ?, ?)" + onConflict()
                : "INSERT INTO wz_link (account, contact_id, deal_id) VALUES (?, ?, ?)" + onConflict())) {
            for (Map.Entry<String, Refs> e : refs.entrySet()) {
                // wz_chat (chat_key, contact_id) or wz_link (contact_id, deal_id): the key, then the entity
                Set<String> keys = new LinkedHashSet<>();
                if (contact) {
                    e.getValue().chatKeys().forEach(k -> keys.add(Digests.bounded(k, Schema.CHAT_KEY)));
                } else {
                    e.getValue().contactIds().forEach(k -> keys.add(Digests.bounded(k, Schema.ID)));
                }
                for (String key : keys) {
                    in.setString(1, account);
                    in.setString(2, key);
                    in.setString(3, e.getKey());
                    in.addBatch();
                }
            }
            in.executeBatch();
        }
    }

    /** PostgreSQL: another node may write the same references at once (a creation request, the leader). */
    private String onConflict() {
        return jdbc.postgres() ? " ON CONFLICT DO NOTHING" : "";
    }

    /** Forgets the references of these contacts or deals. */
    void remove(Connection c, EntityType type, Collection<String> ids) throws SQLException {
        if (ids.isEmpty() || (type != EntityType.CONTACT && type != EntityType.DEAL)) {
            return;
        }
        try (PreparedStatement d = c.prepareStatement(type == EntityType.CONTACT
                ? "DELETE FROM wz_chat WHERE account = ? AND contact_id = ?"
                : "DELETE FROM wz_link WHERE account = ? AND deal_id = ?")) {
            for (String id : ids) {
                d.setString(1, account);
                d.setString(2, id);
                d.addBatch();
            }
            d.executeBatch();
        }
    }

    void clear(Connection c) throws SQLException {
        Store.deleteAccount(c, account, "wz_chat");
        Store.deleteAccount(c, account, "wz_link");
    }
}
