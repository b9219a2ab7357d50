package dev.crmbridge.wazzup.internal.store;

import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.internal.util.Digests;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The connector's durable state for one account: one object per table over a small JDBC helper, the
 * schema in {@link Schema}, and here the few writes that span tables in one transaction. Thread-safe:
 * every call uses its own connection and transaction.
 */
public final class Store {

    private final Jdbc jdbc;
    private final String account;
    private final OutboxTable outbox;
    private final SyncedTable synced;
    private final RefsTable refs;
    private final DeadLetterTable dead;
    private final InboxTable inbox;
    private final SendTable sends;
    private final CreationsTable creations;
    private final MetaTable meta;
    private final ClusterTable cluster;

    public Store(DataSource dataSource, String account) {
        this(new Jdbc(dataSource), account);
    }

    private Store(Jdbc jdbc, String account) {
        this.jdbc = jdbc;
        this.account = account;
        this.outbox = new OutboxTable(jdbc, account);
        this.synced = new SyncedTable(jdbc, account);
        this.refs = new RefsTable(jdbc, account);
        this.dead = new DeadLetterTable(jdbc, account);
        this.inbox = new InboxTable(jdbc, account);
        this.sends = new SendTable(jdbc, account);
        this.creations = new CreationsTable(jdbc, account);
        this.meta = new MetaTable(jdbc, account);
        this.cluster = new ClusterTable(jdbc);
    }

    /** The same store whose commits go through only while {@code fence} is open. */
    public Store fenced(Fence fence) {
        return new Store(jdbc.fenced(fence), account);
    }

    /** Creates or migrates the schema. */
    public void migrate() {
        Schema.migrate(jdbc);
    }

    public Jdbc jdbc() {
        return jdbc;
    }

    public String account() {
        return account;
    }

    public OutboxTable outbox() {
        return outbox;
    }

    public SyncedTable synced() {
        return synced;
    }

    public RefsTable refs() {
        return refs;
    }

    public DeadLetterTable deadLetters() {
        return dead;
    }

    public SendTable sends() {
        return sends;
    }

    public InboxTable inbox() {
        return inbox;
    }

    public CreationsTable creations() {
        return creations;
    }

    public MetaTable meta() {
        return meta;
    }

    /** The nodes and leases of a cluster (PostgreSQL only). */
    public ClusterTable cluster() {
        return cluster;
    }

    // ---------------------------------------------------------------- writes across tables

    /**
     * What Wazzup accepted in one batch: the hashes, which of the ids had a row already (null: unknown),
     * the outbox rows to remove (unless they changed meanwhile), whether dead letters of the ids may need
     * clearing, who the entities belong to, and a type whose dead letters waiting for these entities
     * ({@code codePrefix}) go back to the outbox (null: none).
     */
    public record Accepted(EntityType type, Map<String, String> hashes, Collection<String> known,
            Collection<OutboxRow> rows, boolean clearDeadLetters, Map<String, Refs> refs, EntityType revive,
            String reviveCode, long now) {
    }

    /** Records one accepted batch on {@code c}; answers how many dead letters went back to the outbox. */
    public int accepted(Connection c, Accepted a) throws SQLException {
        synced.put(c, a.type(), a.hashes(), a.known(), a.refs(), a.now());
        refs.replace(c, a.type(), a.refs(), a.known() == null ? List.of() : a.known());
        outbox.complete(c, a.rows());
        if (!a.clearDeadLetters()) {
            return 0;
        }
        dead.remove(c, a.type(), a.hashes().keySet());
        if (a.revive() == null) {
            return 0;
        }
        List<String> revived = dead.withCode(c, a.revive(), a.reviveCode());
        dead.remove(c, a.revive(), revived);
        outbox.enqueue(c, a.revive(), revived, OutboxRow.Op.SAVE, a.now());
        return revived.size();
    }

    /** Records several accepted batches and some facts ({@link MetaTable}) in one transaction. */
    public void accepted(List<Accepted> batches, Map<String, String> facts) {
        jdbc.tx("record accepted changes", c -> {
            meta.putAll(c, facts);
            for (Accepted a : batches) {
                accepted(c, a);
            }
            return null;
        });
    }

    /** Records what Wazzup holds already (found by reconciliation), with who the entities belong to. */
    public void aligned(EntityType type, Map<String, String> hashes, Map<String, Refs> owners, long now) {
        if (hashes.isEmpty()) {
            return;
        }
        jdbc.tx("record sync state", c -> {
            synced.put(c, type, hashes, null, owners, now);
            refs.replace(c, type, owners, null);
            return null;
        });
    }

    /** Forgets that Wazzup holds these entities, and their references. */
    public void forget(EntityType type, Collection<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        jdbc.tx("forget synced entities", c -> {
            synced.remove(c, type, ids);
            refs.remove(c, type, ids);
            return null;
        });
    }

    /** Forgets everything Wazzup holds and who its chats belong to (another account: all is sent again). */
    public void clearSyncState() {
        jdbc.tx("reset sync state", c -> {
            synced.clear(c);
            refs.clear(c);
            return null;
        });
    }

    /**
     * Answers a creation request: the entity the host made, what Wazzup holds of it (its hash) and who
     * it belongs to, in one transaction. An id longer than its column is kept under a bounded key.
     */
    public void answerCreation(String requestKey, EntityType type, String entityId, String hash, Refs owner, long now) {
        String id = Digests.bounded(entityId, Schema.ID);
        jdbc.tx("record a created entity", c -> {
            creations.answer(c, requestKey, id); // bounded like every other id column
            synced.put(c, type, Map.of(id, hash), null, Map.of(id, owner), now);
            refs.replace(c, type, Map.of(id, owner), null);
            return null;
        });
    }

    // ---------------------------------------------------------------- helpers of the tables

    static Map<EntityType, Long> countsBy(Jdbc jdbc, String account, String table) {
        return jdbc.tx("count " + table, c -> {
            Map<EntityType, Long> out = OutboxTable.zeros();
            try (PreparedStatement s = c.prepareStatement("SELECT etype, COUNT(*) FROM " + table
                    + " WHERE account = ? GROUP BY etype")) {
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

    static int deleteIds(Connection c, String account, String table, EntityType type, Collection<String> ids)
            throws SQLException {
        if (ids.isEmpty()) {
            return 0;
        }
        try (PreparedStatement d = c.prepareStatement("DELETE FROM " + table + " WHERE account = ? AND etype = ? AND eid = ?")) {
            for (String id : ids) {
                d.setString(1, account);
                d.setString(2, type.name());
                d.setString(3, id);
                d.addBatch();
            }
            return Jdbc.total(d.executeBatch());
        }
    }

    static void deleteAccount(Connection c, String account, String table) throws SQLException {
        try (PreparedStatement d = c.prepareStatement("DELETE FROM " + table + " WHERE account = ?")) {
            d.setString(1, account);
            d.executeUpdate();
        }
    }

    /** Deletes the account's rows of {@code table} whose {@code column} (epoch ms) is before {@code before}. */
    static int purge(Jdbc jdbc, String account, String table, String column, long before) {
        return jdbc.tx("purge " + table, c -> {
            try (PreparedStatement d = c.prepareStatement("DELETE FROM " + table + " WHERE " + column
                    + " < ? AND account = ?")) {
                d.setLong(1, before);
                d.setString(2, account);
                return d.executeUpdate();
            }
        });
    }
}
