package dev.crmbridge.wazzup.internal.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code wz_send}: the messages the CRM sends, one row each from {@code Messages.send} on. A row is
 * {@code QUEUED} until an attempt settles it ({@code SENT}, {@code FAILED}, {@code UNKNOWN}); Wazzup's
 * {@code statuses} move a sent one on ({@code DELIVERED}, {@code READ}, {@code ERROR}). Before each
 * attempt {@link #attempt} marks it, durably: {@code doubt_since} then says since when an attempt may have
 * reached Wazzup without the connector learning it, which decides whether a repeat is safe.
 */
public final class SendTable {

    /** Statuses in the order they follow each other; a status never moves back. */
    private static final List<String> ORDER = List.of("QUEUED", "SENT", "DELIVERED", "READ");

    /** One message as recorded. {@code doubtSince} is null while no attempt may have reached Wazzup unanswered. */
    public record SendRow(long seq, String crmId, String route, String body, String status, int attempts, long nextAt,
            Long doubtSince, String messageId, String contactId, String channelId, String chatType, String chatId,
            String errorCode, String errorText, long queuedAt, long updatedAt) {
    }

    private static final String COLUMNS = "seq, crm_id, route, body, status, attempts, next_at, doubt_since, message_id,"
            + " contact_id, channel_id, chat_type, chat_id, error_code, error_text, queued_at, updated_at";

    private final Jdbc jdbc;
    private final String account;

    SendTable(Jdbc jdbc, String account) {
        this.jdbc = jdbc;
        this.account = account;
    }

    /**
     * Records a message to send, committed before it returns. Answers false when a message with this id is
     * recorded already (nothing changes).
     */
    public boolean add(String crmId, String route, String body, String contactId, String chatType, String chatId,
            String channelId, long now) {
        try {
            return jdbc.tx("record a message to send", c -> {
                try (PreparedStatement in = c.prepareStatement("INSERT INTO wz_send (account, crm_id, route, body, status,"
                        + " attempts, next_at, contact_id, chat_type, chat_id, channel_id, queued_at, updated_at)"
                        + " VALUES (?, ?, ?, ?, 'QUEUED', 0, ?, ?, ?, ?, ?, ?, ?)")) {
                    in.setString(1, account);
                    in.setString(2, crmId);
                    in.setString(3, route);
                    in.setString(4, body);
                    in.setLong(5, now);
                    in.setString(6, contactId);
                    in.setString(7, chatType);
                    in.setString(8, chatId);
                    in.setString(9, channelId);
                    in.setLong(10, now);
                    in.setLong(11, now);
                    return in.executeUpdate() == 1;
                }
            });
        } catch (StoreException e) {
            if (e.getCause() instanceof SQLException s && "23505".equals(s.getSQLState())) {
                return false; // the unique key: recorded before
            }
            throw e;
        }
    }

    /**
     * The oldest queued message of each chat ({@code route}), when it is due at {@code now}, oldest first: a
     * chat's later messages wait behind its first, and one busy chat holds back no other.
     */
    public List<SendRow> due(long now, int limit) {
        return jdbc.tx("read the messages to send", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM wz_send WHERE seq IN (SELECT MIN(seq)"
                    + " FROM wz_send WHERE account = ? AND status = 'QUEUED' GROUP BY route) AND next_at <= ? ORDER BY seq")) {
                s.setString(1, account);
                s.setLong(2, now);
                s.setMaxRows(limit);
                return rows(s);
            }
        });
    }

    /**
     * Forgets settled messages last changed before {@code before} (their text stays no longer than needed), and
     * early statuses kept before {@code earlyBefore} (no message of the CRM claimed them).
     */
    public int purge(long before, long earlyBefore) {
        return jdbc.tx("purge sent messages", c -> {
            try (PreparedStatement d = c.prepareStatement("DELETE FROM wz_send_early WHERE account = ? AND at < ?")) {
                d.setString(1, account);
                d.setLong(2, earlyBefore);
                d.executeUpdate();
            }
            try (PreparedStatement d = c.prepareStatement("DELETE FROM wz_send WHERE account = ? AND status <> 'QUEUED'"
                    + " AND updated_at < ?")) {
                d.setString(1, account);
                d.setLong(2, before);
                return d.executeUpdate();
            }
        });
    }

    /** When the next queued message after {@code now} is due, or {@link Long#MAX_VALUE}. */
    public long nextDueAfter(long now) {
        return jdbc.tx("read the messages to send", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT MIN(next_at) FROM wz_send WHERE account = ?"
                    + " AND status = 'QUEUED' AND next_at > ?")) {
                s.setString(1, account);
                s.setLong(2, now);
                try (ResultSet rs = s.executeQuery()) {
                    long v = rs.next() ? rs.getLong(1) : 0;
                    return rs.wasNull() ? Long.MAX_VALUE : v;
                }
            }
        });
    }

    /**
     * Marks an attempt before it leaves, durably: one more attempt, the chat it goes to, and doubt since
     * {@code now} unless an earlier attempt left doubt already.
     */
    public void attempt(String crmId, String channelId, String chatType, String chatId, long now) {
        update("mark a message's attempt", "attempts = attempts + 1, doubt_since = COALESCE(doubt_since, ?), channel_id = ?,"
                + " chat_type = ?, chat_id = ?, updated_at = ?", crmId, now, channelId, chatType, chatId, now);
    }

    /**
     * An attempt that provably did not send: doubt back to what it was before ({@code doubtBefore}), tried
     * again at {@code nextAt}.
     */
    public void notSent(String crmId, Long doubtBefore, long nextAt, String reason, long now) {
        if (doubtBefore == null) {
            update("postpone a message", "doubt_since = NULL, next_at = ?, error_text = ?, updated_at = ?", crmId, nextAt,
                    reason, now);
        } else {
            update("postpone a message", "doubt_since = ?, next_at = ?, error_text = ?, updated_at = ?", crmId,
                    doubtBefore, nextAt, reason, now);
        }
    }

    /** An attempt whose answer was lost: doubt stays; tried again at {@code nextAt} (within the guard). */
    public void inDoubt(String crmId, long nextAt, String reason, long now) {
        update("postpone a message", "next_at = ?, error_text = ?, updated_at = ?", crmId, nextAt, reason, now);
    }

    /** Wazzup accepted it; {@code messageId} null when a retry met the duplicate guard. */
    public void sent(String crmId, String messageId, String chatId, long now) {
        update("mark a message sent", "status = 'SENT', message_id = ?, chat_id = COALESCE(?, chat_id), doubt_since = NULL,"
                + " error_code = NULL, error_text = NULL, updated_at = ?", crmId, messageId, chatId, now);
    }

    /** Settled without sending: {@code FAILED} (Wazzup refused it) or {@code UNKNOWN}. */
    public void settle(String crmId, String status, String code, String text, long now) {
        update("settle a message", "status = ?, error_code = ?, error_text = ?, updated_at = ?", crmId, status, code,
                cut(text), now);
    }

    /**
     * A status from Wazzup's {@code statuses} for a sent message: applied when it moves the message on
     * ({@code ERROR} always does, once sent). Answers the row as it is after, or null when no message of
     * the CRM has this {@code messageId}.
     */
    public SendRow advance(String messageId, String status, String code, String text, long now) {
        return jdbc.tx("record a message's status", c -> {
            SendRow row;
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM wz_send WHERE message_id = ?"
                    + " AND account = ?")) {
                s.setString(1, messageId);
                s.setString(2, account);
                List<SendRow> found = rows(s);
                if (found.isEmpty()) {
                    return null;
                }
                row = found.get(0);
            }
            boolean moves = "ERROR".equals(status) ? !"ERROR".equals(row.status())
                    : ORDER.contains(row.status()) && ORDER.indexOf(status) > ORDER.indexOf(row.status());
            if (!moves) {
                return row;
            }
            try (PreparedStatement u = c.prepareStatement("UPDATE wz_send SET status = ?, error_code = ?, error_text = ?,"
                    + " updated_at = ? WHERE seq = ? AND status = ?")) {
                u.setString(1, status);
                u.setString(2, code);
                u.setString(3, cut(text));
                u.setLong(4, now);
                u.setLong(5, row.seq());
                u.setString(6, row.status()); // another node moved it meanwhile: its status stands
                if (u.executeUpdate() == 0) {
                    return get(row.crmId());
                }
            }
            return new SendRow(row.seq(), row.crmId(), row.route(), row.body(), status, row.attempts(), row.nextAt(),
                    row.doubtSince(), row.messageId(), row.contactId(), row.channelId(), row.chatType(), row.chatId(), code,
                    cut(text), row.queuedAt(), now);
        });
    }

    /**
     * A status for a message id no row has yet: kept when an attempt is in flight (its 201 may not be recorded
     * yet), for {@link #early} to apply. Answers whether it was kept.
     */
    public boolean keepEarly(String messageId, String status, String code, String text, long now) {
        return jdbc.tx("keep an early message status", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM wz_send WHERE account = ? AND status = 'QUEUED'"
                    + " AND doubt_since IS NOT NULL")) {
                s.setString(1, account);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) == 0) {
                        return false; // nothing in flight: a message sent elsewhere (Wazzup's window, a phone)
                    }
                }
            }
            try (PreparedStatement d = c.prepareStatement("DELETE FROM wz_send_early WHERE account = ? AND message_id = ?"
                    + " AND status = ?")) {
                d.setString(1, account);
                d.setString(2, messageId);
                d.setString(3, status);
                d.executeUpdate();
            }
            try (PreparedStatement in = c.prepareStatement("INSERT INTO wz_send_early (account, message_id, status, error_code,"
                    + " error_text, at) VALUES (?, ?, ?, ?, ?, ?)")) {
                in.setString(1, account);
                in.setString(2, messageId);
                in.setString(3, status);
                in.setString(4, code);
                in.setString(5, cut(text));
                in.setLong(6, now);
                in.executeUpdate();
            }
            return true;
        });
    }

    /**
     * Applies the statuses kept for {@code messageId} before its row knew it (in Wazzup's order: sent,
     * delivered, read, error) and forgets them; answers the row after each one that moved it.
     */
    public List<SendRow> early(String messageId, long now) {
        List<String[]> kept = jdbc.tx("read early message statuses", c -> {
            List<String[]> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT status, error_code, error_text FROM wz_send_early"
                    + " WHERE account = ? AND message_id = ?")) {
                s.setString(1, account);
                s.setString(2, messageId);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                    }
                }
            }
            try (PreparedStatement d = c.prepareStatement("DELETE FROM wz_send_early WHERE account = ? AND message_id = ?")) {
                d.setString(1, account);
                d.setString(2, messageId);
                d.executeUpdate();
            }
            return out;
        });
        kept.sort(java.util.Comparator.comparingInt(k -> "ERROR".equals(k[0]) ? 99 : ORDER.indexOf(k[0])));
        List<SendRow> moved = new ArrayList<>();
        SendRow before = kept.isEmpty() ? null : byMessageId(messageId);
        for (String[] k : kept) {
            SendRow after = advance(messageId, k[0], k[1], k[2], now);
            if (after != null && before != null && !after.status().equals(before.status())) {
                moved.add(after);
            }
            before = after;
        }
        return moved;
    }

    private SendRow byMessageId(String messageId) {
        return jdbc.tx("read a message", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM wz_send WHERE message_id = ?"
                    + " AND account = ?")) {
                s.setString(1, messageId);
                s.setString(2, account);
                List<SendRow> found = rows(s);
                return found.isEmpty() ? null : found.get(0);
            }
        });
    }

    /** The message of this CRM id, or null. */
    public SendRow get(String crmId) {
        return jdbc.tx("read a message", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM wz_send WHERE crm_id = ? AND account = ?")) {
                s.setString(1, crmId);
                s.setString(2, account);
                List<SendRow> found = rows(s);
                return found.isEmpty() ? null : found.get(0);
            }
        });
    }

    /** The latest messages, newest first. */
    public List<SendRow> recent(int limit) {
        return jdbc.tx("read the messages", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM wz_send WHERE account = ? ORDER BY seq DESC")) {
                s.setString(1, account);
                s.setMaxRows(Math.max(1, limit));
                return rows(s);
            }
        });
    }

    /** How many messages have this status. */
    public int count(String status) {
        return jdbc.tx("count the messages", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM wz_send WHERE account = ? AND status = ?")) {
                s.setString(1, account);
                s.setString(2, status);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    private void update(String what, String set, String crmId, Object... values) {
        jdbc.tx(what, c -> {
            try (PreparedStatement u = c.prepareStatement("UPDATE wz_send SET " + set + " WHERE crm_id = ? AND account = ?")) {
                int p = 1;
                for (Object v : values) {
                    if (v == null) {
                        u.setNull(p++, Types.VARCHAR); // text columns only: a number is never null here
                    } else if (v instanceof Long l) {
                        u.setLong(p++, l);
                    } else {
                        u.setString(p++, v.toString());
                    }
                }
                u.setString(p++, crmId);
                u.setString(p, account);
                u.executeUpdate();
            }
            return null;
        });
    }

    private static List<SendRow> rows(PreparedStatement s) throws SQLException {
        List<SendRow> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                long doubt = rs.getLong(8);
                Long doubtSince = rs.wasNull() ? null : doubt;
                out.add(new SendRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getInt(6), rs.getLong(7), doubtSince, rs.getString(9), rs.getString(10), rs.getString(11),
                        rs.getString(12), rs.getString(13), rs.getString(14), rs.getString(15), rs.getLong(16),
                        rs.getLong(17)));
            }
        }
        return out;
    }

    private static String cut(String text) {
        return text == null || text.length() <= 1000 ? text : text.substring(0, 999) + "…";
    }
}
