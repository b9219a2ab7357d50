package dev.crmbridge.wazzup.itests;

import dev.crmbridge.wazzup.api.model.ChatHandle;
import dev.crmbridge.wazzup.api.model.CrmContact;
import dev.crmbridge.wazzup.api.model.CrmDeal;
import dev.crmbridge.wazzup.api.model.CrmUser;
import dev.crmbridge.wazzup.api.model.Pipeline;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.spi.Page;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.sql.DataSource;

/**
 * The CRM of a cluster's nodes: contacts in the CRM's own table {@code crm_contact (id, name, owner)} of
 * the database the nodes share (so that a change made on one node is what the leader reads), users,
 * pipelines and deals generated alike on every node ({@link ItDirectory#generated}). A contact's chat
 * handles follow from its number, as in {@link ItDirectory}.
 */
public final class SharedCrm implements CrmDirectory {

    private final DataSource db;
    private final ItDirectory fixed;

    public SharedCrm(DataSource db, ItDirectory fixed) {
        this.db = db;
        this.fixed = fixed;
    }

    /** The CRM's table with {@code count} contacts c000000… named "Client i", owned by u(i % users). */
    public static void create(Connection c, int count, int users) throws SQLException {
        try (var s = c.createStatement()) {
            s.execute("CREATE TABLE crm_contact (id VARCHAR(40) PRIMARY KEY, name VARCHAR(200) NOT NULL, owner VARCHAR(40))");
            s.execute("INSERT INTO crm_contact (id, name, owner) SELECT 'c' || lpad(i::text, 6, '0'), 'Client ' || i,"
                    + " 'u' || (i % " + Math.max(1, users) + ") FROM generate_series(0, " + (count - 1) + ") AS i");
        }
    }

    static CrmContact contact(String id, String name, String owner) {
        int i = Integer.parseInt(id.substring(1));
        List<ChatHandle> chats = new ArrayList<>();
        chats.add(ChatHandle.whatsapp(String.format("+7 901 %03d-%02d-%02d", i / 10_000, (i / 100) % 100, i % 100)));
        if (i % 5 == 0) {
            chats.add(ChatHandle.telegramUsername("@client" + i));
        }
        return new CrmContact(id, owner, name, chats, "https://crm.example.com/contacts/" + i);
    }

    @Override
    public List<CrmUser> users(Collection<String> ids) {
        return fixed.users(ids);
    }

    @Override
    public Page<CrmUser> users(String cursor, int limit) {
        return fixed.users(cursor, limit);
    }

    @Override
    public List<CrmContact> contacts(Collection<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT id, name, owner FROM crm_contact WHERE id = ANY (?)")) {
            s.setArray(1, c.createArrayOf("varchar", ids.toArray()));
            return read(s);
        } catch (SQLException e) {
            throw new IllegalStateException("the CRM's database failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Page<CrmContact> contacts(String cursor, int limit) {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT id, name, owner FROM crm_contact WHERE id > ? ORDER BY id"
                        + " LIMIT ?")) {
            s.setString(1, cursor == null ? "" : cursor);
            s.setInt(2, limit);
            List<CrmContact> page = read(s);
            return new Page<>(page, page.size() < limit ? null : page.get(page.size() - 1).id());
        } catch (SQLException e) {
            throw new IllegalStateException("the CRM's database failed: " + e.getMessage(), e);
        }
    }

    private static List<CrmContact> read(PreparedStatement s) throws SQLException {
        List<CrmContact> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                out.add(contact(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
        }
        return out;
    }

    @Override
    public List<CrmDeal> deals(Collection<String> ids) {
        return fixed.deals(ids);
    }

    @Override
    public Page<CrmDeal> deals(String cursor, int limit) {
        return fixed.deals(cursor, limit);
    }

    @Override
    public List<Pipeline> pipelines() {
        return fixed.pipelines();
    }
}
