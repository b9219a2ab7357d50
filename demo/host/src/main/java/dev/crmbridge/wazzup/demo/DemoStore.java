package dev.crmbridge.wazzup.demo;

import dev.crmbridge.wazzup.api.model.ChatHandle;
import dev.crmbridge.wazzup.api.model.CrmContact;
import dev.crmbridge.wazzup.api.model.CrmDeal;
import dev.crmbridge.wazzup.api.model.CrmUser;
import dev.crmbridge.wazzup.api.model.Pipeline;
import dev.crmbridge.wazzup.api.model.Stage;
import java.io.File;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.h2.jdbcx.JdbcConnectionPool;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo CRM's database: an H2 file in {@code wazzup.demo.data} (a framework property; else the
 * bundle's data area). Users, two pipelines, contacts with their messengers, deals with their contacts.
 * Seeded on first start ({@link DemoSeed}). Plain JDBC: the sort of code a CRM already has.
 */
@Component(service = DemoStore.class)
public final class DemoStore {

    private static final Logger LOG = LoggerFactory.getLogger(DemoStore.class);

    /** A contact as the CRM keeps it; {@link #toCrm} is what the connector sees. */
    public record Contact(String id, String name, String responsibleUserId, String company, String email,
            List<ChatHandle> chats) {
    }

    /** A deal as the CRM keeps it. */
    public record Deal(String id, String name, String responsibleUserId, String pipelineId, String stageId,
            BigDecimal amount, boolean closed, List<String> contactIds) {
    }

    /** A CRM user; administrators may see everything and open the Web Console. */
    public record User(String id, String name, String phone, boolean admin) {
    }

    private JdbcConnectionPool pool;
    private String baseUrl;

    @Activate
    void activate(BundleContext context) throws SQLException {
        String dir = context.getProperty("wazzup.demo.data");
        File data = dir == null ? context.getDataFile("crm") : new File(dir, "crm");
        data.mkdirs();
        baseUrl = Optional.ofNullable(context.getProperty("wazzup.demo.url")).orElse("http://localhost:8080");
        String shared = context.getProperty("wazzup.demo.crmDb");
        // the cluster demo's nodes share one CRM database: the first to open it serves it to the others,
        // and when it stops another takes over
        pool = JdbcConnectionPool.create(shared != null && !shared.isBlank()
                ? "jdbc:h2:file:" + new File(shared).getAbsolutePath() + ";AUTO_SERVER=TRUE;AUTO_RECONNECT=TRUE"
                : "jdbc:h2:file:" + new File(data, "crm").getAbsolutePath(), "sa", "");
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("create table if not exists users(id varchar(64) primary key, name varchar(200) not null, "
                    + "phone varchar(40), admin boolean not null)");
            s.execute("create table if not exists pipelines(id varchar(64) primary key, name varchar(200) not null, "
                    + "pos int not null)");
            s.execute("create table if not exists stages(id varchar(64) primary key, pipeline_id varchar(64) not null, "
                    + "name varchar(200) not null, pos int not null)");
            s.execute("create table if not exists contacts(id varchar(64) primary key, name varchar(200) not null, "
                    + "responsible varchar(64) not null, company varchar(200), email varchar(200))");
            s.execute("create table if not exists contact_chats(contact_id varchar(64) not null, pos int not null, "
                    + "chat_type varchar(20) not null, chat_id varchar(200), username varchar(200), phone varchar(40), "
                    + "primary key(contact_id, pos))");
            s.execute("create table if not exists deals(id varchar(64) primary key, name varchar(200) not null, "
                    + "responsible varchar(64) not null, pipeline_id varchar(64), stage_id varchar(64), "
                    + "amount decimal(14,2), closed boolean not null)");
            s.execute("create table if not exists deal_contacts(deal_id varchar(64) not null, contact_id varchar(64) "
                    + "not null, primary key(deal_id, contact_id))");
            // what the CRM made for Wazzup's creation requests, by the connector's request key (NewContactRequest
            // .requestKey()): a request asked again finds its entity instead of making a second one
            s.execute("create table if not exists wazzup_requests(request_key varchar(400) primary key, "
                    + "entity_id varchar(64) not null)");
            s.execute("create sequence if not exists ids start with 5000");
        }
        if (count("users") == 0) {
            DemoSeed.seed(this);
            LOG.info("Demo CRM: seeded {} users, {} contacts, {} deals", count("users"), count("contacts"), count("deals"));
        }
    }

    @Deactivate
    void deactivate() {
        pool.dispose();
    }

    /** The link to an entity's card, as Wazzup shows it. */
    String cardUrl(String kind, String id) {
        return baseUrl + "/" + kind + "/" + id;
    }

    // ------------------------------------------------------------------ reads

    public List<User> users() {
        return query("select id, name, phone, admin from users order by admin desc, name", List.of(),
                r -> new User(r.getString(1), r.getString(2), r.getString(3), r.getBoolean(4)));
    }

    public Optional<User> user(String id) {
        return query("select id, name, phone, admin from users where id = ?", List.of(id),
                r -> new User(r.getString(1), r.getString(2), r.getString(3), r.getBoolean(4))).stream().findFirst();
    }

    public List<CrmUser> crmUsers(Collection<String> ids) {
        return users().stream().filter(u -> ids == null || ids.contains(u.id()))
                .map(u -> new CrmUser(u.id(), u.name(), u.phone())).toList();
    }

    public List<Pipeline> pipelines() {
        Map<String, String> names = new LinkedHashMap<>();
        query("select id, name from pipelines order by pos", List.of(), r -> names.put(r.getString(1), r.getString(2)));
        List<Pipeline> out = new ArrayList<>();
        names.forEach((id, name) -> out.add(new Pipeline(id, name, query(
                "select id, name from stages where pipeline_id = ? order by pos", List.of(id),
                r -> new Stage(r.getString(1), r.getString(2))))));
        return out;
    }

    /** Contacts in id order after {@code afterId} (null: from the first), at most {@code limit}. */
    public List<Contact> contactsAfter(String afterId, int limit) {
        return contacts("select id, name, responsible, company, email from contacts where id > ? order by id limit ?",
                List.of(afterId == null ? "" : afterId, limit));
    }

    /** The contacts with these ids (those that exist), in id order. */
    public List<Contact> contacts(Collection<String> ids) {
        return ids.isEmpty() ? List.of() : contacts("select id, name, responsible, company, email from contacts "
                + "where id = any(?) order by id", List.of((Object) ids.toArray(String[]::new)));
    }

    public Optional<Contact> contact(String id) {
        return contacts(List.of(id)).stream().findFirst();
    }

    /** A page of a user's contacts (all for null) whose name, company, phone or username holds {@code q}. */
    public List<Contact> searchContacts(String responsible, String q, int offset, int limit) {
        String like = "%" + (q == null ? "" : q.toLowerCase()) + "%";
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder("select id, name, responsible, company, email from contacts c where ");
        if (responsible != null) {
            sql.append("responsible = ? and ");
            params.add(responsible);
        }
        sql.append("(lower(name) like ? or lower(coalesce(company, '')) like ? or exists (select 1 from contact_chats h "
                + "where h.contact_id = c.id and (coalesce(h.phone, '') like ? or lower(coalesce(h.username, '')) like ?))) "
                + "order by name, id offset ? rows fetch next ? rows only");
        params.addAll(List.of(like, like, like, like, offset, limit));
        return contacts(sql.toString(), params);
    }

    public List<Deal> dealsAfter(String afterId, int limit) {
        return deals("select id, name, responsible, pipeline_id, stage_id, amount, closed from deals where id > ? "
                + "order by id limit ?", List.of(afterId == null ? "" : afterId, limit));
    }

    public List<Deal> deals(Collection<String> ids) {
        return ids.isEmpty() ? List.of() : deals("select id, name, responsible, pipeline_id, stage_id, amount, closed "
                + "from deals where id = any(?) order by id", List.of((Object) ids.toArray(String[]::new)));
    }

    public Optional<Deal> deal(String id) {
        return deals(List.of(id)).stream().findFirst();
    }

    public List<Deal> searchDeals(String responsible, String q, int offset, int limit) {
        String like = "%" + (q == null ? "" : q.toLowerCase()) + "%";
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder("select id, name, responsible, pipeline_id, stage_id, amount, closed from deals "
                + "where ");
        if (responsible != null) {
            sql.append("responsible = ? and ");
            params.add(responsible);
        }
        sql.append("lower(name) like ? order by closed, name, id offset ? rows fetch next ? rows only");
        params.addAll(List.of(like, offset, limit));
        return deals(sql.toString(), params);
    }

    public List<Deal> dealsOfContact(String contactId) {
        return deals("select d.id, d.name, d.responsible, d.pipeline_id, d.stage_id, d.amount, d.closed from deals d "
                + "join deal_contacts dc on dc.deal_id = d.id where dc.contact_id = ? order by d.closed, d.name",
                List.of(contactId));
    }

    int count(String table) {
        return query("select count(*) from " + table, List.of(), r -> r.getInt(1)).get(0);
    }

    // ------------------------------------------------------------------ writes

    public String newId(String prefix) {
        return prefix + query("select next value for ids", List.of(), r -> r.getLong(1)).get(0);
    }

    public void saveUser(User u) {
        update("merge into users(id, name, phone, admin) key(id) values(?, ?, ?, ?)",
                java.util.Arrays.asList(u.id(), u.name(), u.phone(), u.admin()));
    }

    public void savePipeline(Pipeline p, int pos) {
        inTransaction(c -> {
            run(c, "merge into pipelines(id, name, pos) key(id) values(?, ?, ?)", List.of(p.id(), p.name(), pos));
            run(c, "delete from stages where pipeline_id = ?", List.of(p.id()));
            int i = 0;
            for (Stage s : p.stages()) {
                run(c, "insert into stages(id, pipeline_id, name, pos) values(?, ?, ?, ?)", List.of(s.id(), p.id(), s.name(), i++));
            }
        });
    }

    public void saveContact(Contact x) {
        saveContact(x, null);
    }

    /** The id of what was made for a creation request of this key, if anything was. */
    public Optional<String> madeFor(String requestKey) {
        return query("select entity_id from wazzup_requests where request_key = ?", List.of(requestKey), r -> r.getString(1))
                .stream().findFirst();
    }

    /** Saves a contact; with a request key, it is remembered as made for that request, in the same commit. */
    public void saveContact(Contact x, String requestKey) {
        inTransaction(c -> {
            if (requestKey != null) {
                run(c, "insert into wazzup_requests(request_key, entity_id) values(?, ?)", List.of(requestKey, x.id()));
            }
            run(c, "merge into contacts(id, name, responsible, company, email) key(id) values(?, ?, ?, ?, ?)",
                    java.util.Arrays.asList(x.id(), x.name(), x.responsibleUserId(), x.company(), x.email()));
            run(c, "delete from contact_chats where contact_id = ?", List.of(x.id()));
            int i = 0;
            for (ChatHandle h : x.chats()) {
                run(c, "insert into contact_chats(contact_id, pos, chat_type, chat_id, username, phone) values(?, ?, ?, ?, ?, ?)",
                        java.util.Arrays.asList(x.id(), i++, h.chatType(), h.chatId(), h.username(), h.phone()));
            }
        });
    }

    /** Deletes the contact and takes it off its deals; the ids of the deals that changed. */
    public List<String> deleteContact(String id) {
        List<String> deals = query("select deal_id from deal_contacts where contact_id = ?", List.of(id), r -> r.getString(1));
        inTransaction(c -> {
            run(c, "delete from deal_contacts where contact_id = ?", List.of(id));
            run(c, "delete from contact_chats where contact_id = ?", List.of(id));
            run(c, "delete from contacts where id = ?", List.of(id));
        });
        return deals;
    }

    public void saveDeal(Deal d) {
        saveDeal(d, null);
    }

    /** Saves a deal; with a request key, it is remembered as made for that request, in the same commit. */
    public void saveDeal(Deal d, String requestKey) {
        inTransaction(c -> {
            if (requestKey != null) {
                run(c, "insert into wazzup_requests(request_key, entity_id) values(?, ?)", List.of(requestKey, d.id()));
            }
            run(c, "merge into deals(id, name, responsible, pipeline_id, stage_id, amount, closed) key(id) "
                    + "values(?, ?, ?, ?, ?, ?, ?)", java.util.Arrays.asList(d.id(), d.name(), d.responsibleUserId(),
                    d.pipelineId(), d.stageId(), d.amount(), d.closed()));
            run(c, "delete from deal_contacts where deal_id = ?", List.of(d.id()));
            for (String contactId : d.contactIds()) {
                run(c, "insert into deal_contacts(deal_id, contact_id) values(?, ?)", List.of(d.id(), contactId));
            }
        });
    }

    public void deleteDeal(String id) {
        inTransaction(c -> {
            run(c, "delete from deal_contacts where deal_id = ?", List.of(id));
            run(c, "delete from deals where id = ?", List.of(id));
        });
    }

    // ------------------------------------------------------------------ mapping to the connector

    CrmContact toCrm(Contact c) {
        return new CrmContact(c.id(), c.responsibleUserId(), c.name(), c.chats(), cardUrl("contacts", c.id()));
    }

    CrmDeal toCrm(Deal d) {
        return new CrmDeal(d.id(), d.responsibleUserId(), d.name(), d.contactIds(), cardUrl("deals", d.id()), d.closed(),
                d.pipelineId(), d.stageId());
    }

    // ------------------------------------------------------------------ JDBC plumbing

    private List<Contact> contacts(String sql, List<?> params) {
        List<String[]> rows = query(sql, params, r -> new String[] {r.getString(1), r.getString(2), r.getString(3),
                r.getString(4), r.getString(5)});
        // the messengers of the whole page in one query
        Map<String, List<ChatHandle>> chats = new java.util.HashMap<>();
        if (!rows.isEmpty()) {
            query("select contact_id, chat_type, chat_id, username, phone from contact_chats where contact_id = any(?) "
                    + "order by contact_id, pos", List.of((Object) rows.stream().map(r -> r[0]).toArray(String[]::new)),
                    x -> chats.computeIfAbsent(x.getString(1), k -> new ArrayList<>())
                            .add(new ChatHandle(x.getString(2), x.getString(3), x.getString(4), x.getString(5))));
        }
        List<Contact> out = new ArrayList<>(rows.size());
        for (String[] r : rows) {
            out.add(new Contact(r[0], r[1], r[2], r[3], r[4], chats.getOrDefault(r[0], List.of())));
        }
        return out;
    }

    private List<Deal> deals(String sql, List<?> params) {
        List<Deal> rows = query(sql, params, r -> new Deal(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                r.getString(5), r.getBigDecimal(6), r.getBoolean(7), List.of()));
        Map<String, List<String>> contacts = new java.util.HashMap<>();
        if (!rows.isEmpty()) {
            query("select deal_id, contact_id from deal_contacts where deal_id = any(?) order by deal_id, contact_id",
                    List.of((Object) rows.stream().map(Deal::id).toArray(String[]::new)),
                    x -> contacts.computeIfAbsent(x.getString(1), k -> new ArrayList<>()).add(x.getString(2)));
        }
        List<Deal> out = new ArrayList<>(rows.size());
        for (Deal d : rows) {
            out.add(new Deal(d.id(), d.name(), d.responsibleUserId(), d.pipelineId(), d.stageId(), d.amount(), d.closed(),
                    contacts.getOrDefault(d.id(), List.of())));
        }
        return out;
    }

    interface Row<T> {
        T map(ResultSet r) throws SQLException;
    }

    interface Work {
        void run(Connection c) throws SQLException;
    }

    private <T> List<T> query(String sql, List<?> params, Row<T> row) {
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, params);
            try (ResultSet r = s.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (r.next()) {
                    out.add(row.map(r));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("The demo CRM's database failed: " + e.getMessage(), e);
        }
    }

    private void update(String sql, List<?> params) {
        inTransaction(c -> run(c, sql, params));
    }

    void inTransaction(Work work) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("The demo CRM's database failed: " + e.getMessage(), e);
        }
    }

    private static void run(Connection c, String sql, List<?> params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, params);
            s.executeUpdate();
        }
    }

    private static void bind(PreparedStatement s, List<?> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            s.setObject(i + 1, params.get(i));
        }
    }
}
