package dev.crmbridge.wazzup.internal.store;

import dev.crmbridge.wazzup.api.sync.SetAsideNotification;
import dev.crmbridge.wazzup.internal.util.Digests;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code wz_inbox} (webhook notifications until their events are delivered: state {@code P}; or set
 * aside with the reason, state {@code X}) and {@code wz_seen} (the de-duplication keys, kept a while
 * after their rows are gone, to recognise Wazzup's repeats).
 */
public final class InboxTable {

    private final Jdbc jdbc;
    private final String account;

    InboxTable(Jdbc jdbc, String account) {
        this.jdbc = jdbc;
        this.account = account;
    }

    /**
     * Stores notifications, skipping those whose key was seen (within this call too); answers how many
     * were new. Keys are bounded to their column; a body too long for its column is set aside.
     */
    public int add(Connection c, List<InboxItem> items, long now) throws SQLException {
        return addAll(c, List.of(items), now, null)[0];
    }

    /**
     * Stores the notifications of several deliveries in one pass (one look-up of the keys, one batch per
     * table), skipping those whose key was seen, earlier in this call too; answers how many of each
     * delivery were new. In a cluster the node that takes them in claims them at once ({@code claim}, its
     * name; null alone): it delivers their events itself, and another node only once it is gone.
     */
    public int[] addAll(Connection c, List<? extends Collection<InboxItem>> deliveries, long now, String claim)
            throws SQLException {
        int[] added = new int[deliveries.size()];
        Set<String> seen = new HashSet<>();
        List<String> keys = deliveries.stream().flatMap(Collection::stream)
                .map(i -> Digests.bounded(i.key(), Schema.DEDUP)).distinct().toList();
        if (keys.isEmpty()) {
            return added;
        }
        if (jdbc.postgres()) {
            return addAllPostgres(c, deliveries, seen, now, claim); // its insert of the keys tells which were seen
        }
        Jdbc.chunks(keys, chunk -> {
            try (PreparedStatement s = c.prepareStatement("SELECT dedup FROM wz_seen WHERE account = ? AND dedup IN ("
                    + Jdbc.marks(chunk.size()) + ")")) {
                s.setString(1, account);
                Jdbc.set(s, 2, chunk);
                seen.addAll(Jdbc.strings(s));
            }
        });
        boolean any = false;
        try (PreparedStatement in = c.prepareStatement("INSERT INTO wz_inbox (account, dedup, kind, body, state,"
                + " received_at, attempts, reason, next_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, 0)");
                PreparedStatement key = c.prepareStatement("INSERT INTO wz_seen (account, dedup, seen_at) VALUES (?, ?, ?)")) {
            for (int d = 0; d < added.length; d++) {
                for (InboxItem item : deliveries.get(d)) {
                    String k = Digests.bounded(item.key(), Schema.DEDUP);
                    if (!seen.add(k)) {
                        continue;
                    }
                    String reason = item.reason();
                    String body = item.body();
                    if (body.length() > Schema.BODY) {
                        reason = reason != null ? reason : "the item has " + body.length() + " characters, more than the inbox"
                                + " keeps (" + Schema.BODY + ")";
                        body = body.substring(0, 2_000) + "…";
                    }
                    in.setString(1, account);
                    in.setString(2, k);
                    in.setString(3, item.kind());
                    in.setString(4, body);
                    in.setString(5, reason == null ? "P" : "X");
                    in.setLong(6, now);
                    in.setString(7, Jdbc.cut(reason, 1000));
                    in.addBatch();
                    key.setString(1, account);
                    key.setString(2, k);
                    key.setLong(3, now);
                    key.addBatch();
                    any = true;
                    if (reason == null) {
                        added[d]++;
                    }
                }
            }
            if (any) {
                in.executeBatch();
                key.executeBatch();
            }
        }
        return added;
    }

    /**
     * The same on PostgreSQL, where another node may store the same key at the same moment, in one
     * statement: each key goes into {@code wz_seen} with {@code ON CONFLICT DO NOTHING}, and only the
     * notifications whose key this statement inserted go into the inbox (a repeat that met another node's
     * insert waits for it and is dropped), in the order they came.
     */
    private int[] addAllPostgres(Connection c, List<? extends Collection<InboxItem>> deliveries, Set<String> seen, long now,
            String claim) throws SQLException {
        int[] added = new int[deliveries.size()];
        Map<String, Integer> delivery = new java.util.HashMap<>();
        List<String> keys = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        List<String> states = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (int d = 0; d < added.length; d++) {
            for (InboxItem item : deliveries.get(d)) {
                String k = Digests.bounded(item.key(), Schema.DEDUP);
                if (!seen.add(k)) {
                    continue;
                }
                String reason = item.reason();
                String body = item.body();
                if (body.length() > Schema.BODY) {
                    reason = reason != null ? reason : "the item has " + body.length() + " characters, more than the inbox"
                            + " keeps (" + Schema.BODY + ")";
                    body = body.substring(0, 2_000) + "…";
                }
                delivery.put(k, reason == null ? d : -1);
                keys.add(k);
                kinds.add(item.kind());
                bodies.add(body);
                states.add(reason == null ? "P" : "X");
                reasons.add(Jdbc.cut(reason, 1000));
            }
        }
        if (keys.isEmpty()) {
            return added;
        }
        try (PreparedStatement in = c.prepareStatement("WITH k AS (INSERT INTO wz_seen (account, dedup, seen_at)"
                + " SELECT ?, d, ? FROM unnest(?::varchar[]) AS d ON CONFLICT DO NOTHING RETURNING dedup)"
                + " INSERT INTO wz_inbox (account, dedup, kind, body, state, received_at, attempts, reason, next_at, claim)"
                + " SELECT ?, x.dedup, x.kind, x.body, x.state, ?, 0, x.reason, 0, ?"
                + " FROM unnest(?::varchar[], ?::varchar[], ?::text[], ?::varchar[], ?::varchar[]) WITH ORDINALITY"
                + " AS x(dedup, kind, body, state, reason, n) WHERE x.dedup IN (SELECT dedup FROM k) ORDER BY x.n"
                + " ON CONFLICT DO NOTHING RETURNING dedup")) {
            in.setString(1, account);
            in.setLong(2, now);
            in.setArray(3, c.createArrayOf("varchar", keys.toArray()));
            in.setString(4, account);
            in.setLong(5, now);
            in.setString(6, claim);
            in.setArray(7, c.createArrayOf("varchar", keys.toArray()));
            in.setArray(8, c.createArrayOf("varchar", kinds.toArray()));
            in.setArray(9, c.createArrayOf("text", bodies.toArray()));
            in.setArray(10, c.createArrayOf("varchar", states.toArray()));
            in.setArray(11, c.createArrayOf("varchar", reasons.toArray()));
            for (String k : Jdbc.strings(in)) {
                int d = delivery.get(k);
                if (d >= 0) {
                    added[d]++;
                }
            }
        }
        return added;
    }

    /** Pending notifications due at {@code now}, oldest first. */
    public List<InboxRow> pending(int limit, long now) {
        return jdbc.tx("read the inbox", c -> {
            // ordered by the index's own columns, H2 reads it in order and stops at the limit; by seq
            // alone it sorts the whole backlog first (1.8 ms a read behind 20,000 rows, against 0.1 ms)
            try (PreparedStatement s = c.prepareStatement("SELECT seq, dedup, kind, body, attempts FROM wz_inbox"
                    + " WHERE state = 'P' AND account = ? AND next_at <= ? ORDER BY state, seq")) {
                s.setString(1, account);
                s.setLong(2, now);
                s.setMaxRows(limit);
                List<InboxRow> out = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(new InboxRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5)));
                    }
                }
                return out;
            }
        });
    }

    /**
     * The pending notifications due at {@code now} that {@code node} claimed (it took them in, or took
     * them over), oldest first (PostgreSQL). No lock: no other node takes them while this one lives.
     */
    public List<InboxRow> claimed(String node, int limit, long now) {
        return claimed(node, 0, limit, now);
    }

    /**
     * {@link #claimed(String, int, long)} after {@code afterSeq}: a node that delivered what it read up to there
     * starts its next look past the index entries of the rows it removed (dead until PostgreSQL vacuums them).
     */
    public List<InboxRow> claimed(String node, long afterSeq, int limit, long now) {
        return jdbc.single("read this node's webhook notifications", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT seq, dedup, kind, body, attempts FROM wz_inbox"
                    + " WHERE claim = ? AND state = 'P' AND seq > ? AND account = ? AND next_at <= ?"
                    + " ORDER BY claim, state, seq LIMIT ?")) {
                s.setString(1, node);
                s.setLong(2, afterSeq);
                s.setString(3, account);
                s.setLong(4, now);
                s.setInt(5, limit);
                List<InboxRow> out = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(new InboxRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5)));
                    }
                }
                return out;
            }
        });
    }

    /**
     * Claims for {@code node} pending notifications due at {@code now} that no live node holds, oldest
     * first (PostgreSQL): those nobody claimed, and those of nodes not seen for {@code leaseMillis} (gone;
     * they deliver nothing more). Rows another node is claiming at the same moment are skipped
     * ({@code FOR UPDATE SKIP LOCKED}), so each is claimed by one node. With {@code everyClaimer} false
     * only the unclaimed rows and the claims of gone nodes the cluster's table still lists are looked at
     * (quick: by the claims' index, a claimer at a time); with true every claim is checked (a node forgotten
     * long ago), passing every pending row.
     */
    public List<InboxRow> claim(String node, int limit, long now, long leaseMillis, boolean everyClaimer) {
        if (everyClaimer) {
            return claimWhere(node, limit, now, "(i.claim IS NULL OR i.claim <> ? AND NOT EXISTS (SELECT 1 FROM wz_node n"
                    + " WHERE n.node = i.claim AND n.seen_at > " + ClusterTable.NOW + " - ?))", "i.state, i.seq", node, leaseMillis);
        }
        // the quick look goes by the claims' index, one claimer at a time: never past the rows live nodes hold
        List<InboxRow> out = new ArrayList<>(claimWhere(node, limit, now, "i.claim IS NULL", "i.claim, i.state, i.seq"));
        List<String> gone = jdbc.single("read the cluster's nodes", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT node FROM wz_node WHERE node <> ? AND seen_at <= "
                    + ClusterTable.NOW + " - ?")) {
                s.setString(1, node);
                s.setLong(2, leaseMillis);
                List<String> nodes = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        nodes.add(rs.getString(1));
                    }
                }
                return nodes;
            }
        });
        for (String g : gone) {
            if (out.size() < limit) {
                out.addAll(claimWhere(node, limit - out.size(), now, "i.claim = ?", "i.claim, i.state, i.seq", g));
            }
        }
        out.sort(java.util.Comparator.comparingLong(InboxRow::seq));
        return out;
    }

    private List<InboxRow> claimWhere(String node, int limit, long now, String which, String order, Object... params) {
        // one statement, committed without waiting for the disk: a claim lost in a crash of the database
        // leaves its rows to be claimed again
        return jdbc.single("claim webhook notifications", c -> {
            try (PreparedStatement s = c.prepareStatement(Jdbc.RELAXED + "UPDATE wz_inbox SET claim = ? FROM relaxed"
                    + " WHERE seq IN (SELECT i.seq FROM wz_inbox i WHERE " + which + " AND i.state = 'P' AND i.account = ?"
                    + " AND i.next_at <= ? ORDER BY " + order + " LIMIT ? FOR UPDATE SKIP LOCKED)"
                    + " RETURNING seq, dedup, kind, body, attempts")) {
                int p = 1;
                s.setString(p++, node);
                for (Object o : params) {
                    s.setObject(p++, o);
                }
                s.setString(p++, account);
                s.setLong(p++, now);
                s.setInt(p, limit);
                List<InboxRow> out = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(new InboxRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5)));
                    }
                }
                out.sort(java.util.Comparator.comparingLong(InboxRow::seq));
                return out;
            }
        });
    }

    /**
     * Removes notifications whose events were delivered; their keys stay in {@code wz_seen}. Lost in a crash
     * of the database (PostgreSQL commits it without waiting for the disk), such a row's event is delivered
     * again: at least once, as a crash of this node between the event and the mark would.
     */
    public void done(Collection<Long> seqs) {
        if (seqs.isEmpty()) {
            return;
        }
        if (jdbc.postgres()) {
            // one statement, committed without waiting for the disk
            jdbc.single("complete webhook notifications", c -> {
                try (PreparedStatement d = c.prepareStatement(Jdbc.RELAXED + "DELETE FROM wz_inbox USING relaxed"
                        + " WHERE account = ? AND seq = ANY (?)")) {
                    d.setString(1, account);
                    d.setArray(2, c.createArrayOf("bigint", seqs.toArray()));
                    d.executeUpdate();
                }
                return null;
            });
            return;
        }
        jdbc.tx("complete webhook notifications", c -> {
            try (PreparedStatement d = c.prepareStatement("DELETE FROM wz_inbox WHERE seq = ? AND account = ?")) {
                for (Long seq : seqs) {
                    d.setLong(1, seq);
                    d.setString(2, account);
                    d.addBatch();
                }
                d.executeBatch();
            }
            return null;
        });
    }

    /** A notification whose event could not be delivered now: tried again at {@code nextAt}. */
    public void later(long seq, long nextAt, String reason) {
        jdbc.tx("postpone a webhook notification", c -> {
            try (PreparedStatement u = c.prepareStatement("UPDATE wz_inbox SET attempts = attempts + 1, next_at = ?,"
                    + " reason = ?, claim = NULL WHERE seq = ? AND account = ?")) {
                u.setLong(1, nextAt);
                u.setString(2, Jdbc.cut(reason, 1000));
                u.setLong(3, seq);
                u.setString(4, account);
                u.executeUpdate();
            }
            return null;
        });
    }

    /** A stored notification that can never become an event: kept, visibly, with the reason. */
    public void setAside(long seq, String reason) {
        jdbc.tx("set a webhook notification aside", c -> {
            try (PreparedStatement u = c.prepareStatement("UPDATE wz_inbox SET state = 'X', reason = ?"
                    + " WHERE seq = ? AND account = ?")) {
                u.setString(1, Jdbc.cut(reason, 1000));
                u.setLong(2, seq);
                u.setString(3, account);
                u.executeUpdate();
            }
            return null;
        });
    }

    /** The notifications set aside, newest first. */
    public List<SetAsideNotification> setAside(int limit) {
        return jdbc.tx("read the inbox", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT kind, dedup, reason, received_at FROM wz_inbox"
                    + " WHERE state = 'X' AND account = ? ORDER BY state DESC, seq DESC")) {
                s.setString(1, account);
                s.setMaxRows(limit);
                List<SetAsideNotification> out = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(new SetAsideNotification(rs.getString(1), rs.getString(2), rs.getString(3),
                                Instant.ofEpochMilli(rs.getLong(4))));
                    }
                }
                return out;
            }
        });
    }

    /** Notifications not yet delivered ({@code P}) or set aside ({@code X}). */
    public long count(char state) {
        return jdbc.tx("count the inbox", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM wz_inbox WHERE state = ? AND account = ?")) {
                s.setString(1, String.valueOf(state));
                s.setString(2, account);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    /** When the next postponed notification is due, or {@link Long#MAX_VALUE}. */
    public long nextDueAfter(long now) {
        return jdbc.tx("read the inbox", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT MIN(next_at) FROM wz_inbox WHERE state = 'P'"
                    + " AND account = ? AND next_at > ?")) {
                s.setString(1, account);
                s.setLong(2, now);
                try (ResultSet rs = s.executeQuery()) {
                    long v = rs.next() ? rs.getLong(1) : 0;
                    return rs.wasNull() || v == 0 ? Long.MAX_VALUE : v;
                }
            }
        });
    }

    /**
     * Forgets the keys of notifications received before {@code before} (their repeats are long over) and
     * the notifications set aside before then. Answers how many keys went.
     */
    public int purge(long before) {
        return jdbc.tx("purge the inbox", c -> {
            try (PreparedStatement x = c.prepareStatement("DELETE FROM wz_inbox WHERE state = 'X' AND received_at < ?"
                    + " AND account = ?");
                    // a key whose notification is still in the inbox stays: a repeat must meet it here, not
                    // collide with the inbox's own key
                    PreparedStatement k = c.prepareStatement("DELETE FROM wz_seen WHERE account = ? AND seen_at < ?"
                            + " AND NOT EXISTS (SELECT 1 FROM wz_inbox i WHERE i.account = wz_seen.account"
                            + " AND i.dedup = wz_seen.dedup)")) {
                x.setLong(1, before);
                x.setString(2, account);
                x.executeUpdate();
                k.setString(1, account);
                k.setLong(2, before);
                return k.executeUpdate();
            }
        });
    }
}
