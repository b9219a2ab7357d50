package dev.crmbridge.wazzup.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code wz_node} and {@code wz_lease} on PostgreSQL: the nodes of a cluster, each renewing its row while
 * it lives, and per account the leader's lease with its fencing token. Times are the database server's
 * clock (milliseconds since the epoch), so the nodes' own clocks never have to agree.
 */
public final class ClusterTable {

    /** The database's clock in epoch milliseconds (PostgreSQL). */
    static final String NOW = "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";

    /** A lease as the database holds it. */
    public record Lease(String account, String holder, long token, long since, long expiresAt, long now, long renewedAt) {

        public boolean heldBy(String node) {
            return holder.equals(node) && expiresAt > now;
        }
    }

    /**
     * A node as it last reported; {@code chatWant} is the share of the key's budget it asks for the chat
     * endpoints (0 when it has not said), {@code keyDigest} a digest of the API key it runs with (null when
     * it has not said).
     */
    public record Node(String node, long startedAt, long seenAt, String info, int chatWant, String keyDigest) {

        public Node(String node, long startedAt, long seenAt, String info, int chatWant) {
            this(node, startedAt, seenAt, info, chatWant, null);
        }
    }

    private final Jdbc jdbc;

    ClusterTable(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Records that {@code node} lives and what it asks of the budget; answers the database's time. */
    public long heartbeat(String node, long startedAt, String info, int chatWant) {
        return heartbeat(node, startedAt, info, chatWant, null);
    }

    /** The same, with a digest of the API key the node runs with (null: not said). */
    public long heartbeat(String node, long startedAt, String info, int chatWant, String keyDigest) {
        return jdbc.tx("record this node's heartbeat", c -> {
            try (PreparedStatement u = c.prepareStatement("INSERT INTO wz_node (node, started_at, seen_at, info, chat_want,"
                    + " key_digest) VALUES (?, ?, " + NOW + ", ?, ?, ?) ON CONFLICT (node) DO UPDATE SET"
                    + " seen_at = EXCLUDED.seen_at, info = EXCLUDED.info, chat_want = EXCLUDED.chat_want,"
                    + " key_digest = EXCLUDED.key_digest RETURNING seen_at")) {
                u.setString(1, node);
                u.setLong(2, startedAt);
                u.setString(3, Jdbc.cut(info, 400));
                u.setInt(4, chatWant);
                u.setString(5, keyDigest);
                try (ResultSet rs = u.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /**
     * Takes the account's lease for {@code node} for {@code leaseMillis}, or renews it: answers the lease
     * when {@code node} holds it now, or null when another node does. The token goes up by one whenever
     * the holder changes, so a term is the pair (holder, token).
     */
    public Lease acquire(String account, String node, long leaseMillis) {
        return jdbc.tx("take or renew the lease", c -> {
            try (PreparedStatement u = c.prepareStatement("INSERT INTO wz_lease AS l (account, holder, token, since, expires_at,"
                    + " renewed_at) VALUES (?, ?, 1, " + NOW + ", " + NOW + " + ?, " + NOW + ")"
                    + " ON CONFLICT (account) DO UPDATE SET holder = EXCLUDED.holder, renewed_at = EXCLUDED.renewed_at,"
                    + " token = CASE WHEN l.holder = EXCLUDED.holder THEN l.token ELSE l.token + 1 END,"
                    + " since = CASE WHEN l.holder = EXCLUDED.holder THEN l.since ELSE EXCLUDED.since END,"
                    + " expires_at = EXCLUDED.expires_at"
                    + " WHERE l.holder = EXCLUDED.holder OR l.expires_at < EXCLUDED.since"
                    + " RETURNING account, holder, token, since, expires_at, " + NOW + ", renewed_at")) {
                u.setString(1, account);
                u.setString(2, node);
                u.setLong(3, leaseMillis);
                try (ResultSet rs = u.executeQuery()) {
                    return rs.next() ? lease(rs) : null;
                }
            }
        });
    }

    /** Gives the lease up at once (a node that stops), if {@code node} holds it in term {@code token}. */
    public void release(String account, String node, long token) {
        jdbc.tx("give the lease up", c -> {
            try (PreparedStatement u = c.prepareStatement("UPDATE wz_lease SET expires_at = 0 WHERE account = ?"
                    + " AND holder = ? AND token = ?")) {
                u.setString(1, account);
                u.setString(2, node);
                u.setLong(3, token);
                u.executeUpdate();
            }
            return null;
        });
    }

    /** The account's lease, or null when no node ever led it. */
    public Lease lease(String account) {
        return jdbc.tx("read the lease", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT account, holder, token, since, expires_at, " + NOW
                    + ", renewed_at FROM wz_lease WHERE account = ?")) {
                s.setString(1, account);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? lease(rs) : null;
                }
            }
        });
    }

    /**
     * Inside a leader's transaction: fails unless the lease is still {@code node}'s in term {@code token}
     * and has not expired. The row stays share-locked until the commit, so no node can take the lease
     * over between this check and the commit.
     */
    public static boolean stillLeads(Connection c, String account, String node, long token) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM wz_lease WHERE account = ? AND holder = ?"
                + " AND token = ? AND expires_at > " + NOW + " FOR SHARE")) {
            s.setString(1, account);
            s.setString(2, node);
            s.setLong(3, token);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The nodes seen within the last {@code withinMillis} (database time), oldest first. */
    public List<Node> nodes(long withinMillis) {
        return jdbc.tx("read the cluster's nodes", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT node, started_at, seen_at, info, chat_want, key_digest FROM wz_node"
                    + " WHERE seen_at >= " + NOW + " - ? ORDER BY started_at, node")) {
                s.setLong(1, withinMillis);
                List<Node> out = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Node(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getInt(5),
                                rs.getString(6)));
                    }
                }
                return out;
            }
        });
    }

    /** The database's clock now: a point after everything this node committed before. */
    public long now() {
        return jdbc.tx("read the database's clock", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + NOW); ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** Forgets nodes not seen since {@code before} (database time). */
    public int forget(long before) {
        return jdbc.tx("forget departed nodes", c -> {
            try (PreparedStatement d = c.prepareStatement("DELETE FROM wz_node WHERE seen_at < ?")) {
                d.setLong(1, before);
                return d.executeUpdate();
            }
        });
    }

    private static Lease lease(ResultSet rs) throws SQLException {
        return new Lease(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6),
                rs.getLong(7));
    }
}
