package dev.crmbridge.wazzup.demo;

import dev.crmbridge.wazzup.api.chat.ChatButton;
import dev.crmbridge.wazzup.api.model.ChatHandle;
import dev.crmbridge.wazzup.api.model.Pipeline;
import dev.crmbridge.wazzup.api.model.Stage;
import dev.crmbridge.wazzup.api.spi.SessionUser;
import dev.crmbridge.wazzup.api.sync.SyncStatus;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.servlet.Servlet;
import javax.servlet.http.Cookie;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The demo CRM's pages: sign in, contacts and deals (list, card, create, edit, delete, close), an
 * administrator's status page. The header and every card carry the connector's chat buttons, taken
 * from the {@link ChatButton} services by slot: the page needs no other knowledge of them.
 */
@Component(service = Servlet.class, property = {
    "osgi.http.whiteboard.servlet.pattern=/",
    "osgi.http.whiteboard.servlet.pattern=/login",
    "osgi.http.whiteboard.servlet.pattern=/logout",
    "osgi.http.whiteboard.servlet.pattern=/contacts/*",
    "osgi.http.whiteboard.servlet.pattern=/deals/*",
    "osgi.http.whiteboard.servlet.pattern=/admin",
    "osgi.http.whiteboard.servlet.pattern=/messages",
    "osgi.http.whiteboard.servlet.name=demo-crm"})
public final class DemoPages extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final int PAGE = 25;

    private final transient DemoCrm crm;
    private final transient DemoStore store;
    private final transient DemoSession session;
    private final transient DemoNotifications notifications;
    private final transient DemoOutbox outbox;
    private final String emulatorUrl;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    private volatile List<ChatButton> buttons = List.of();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile SyncStatus sync;

    @Activate
    public DemoPages(@Reference DemoCrm crm, @Reference DemoSession session, @Reference DemoNotifications notifications,
            @Reference DemoOutbox outbox, BundleContext context) {
        this.notifications = notifications;
        this.outbox = outbox;
        this.crm = crm;
        this.store = crm.store();
        this.session = session;
        this.emulatorUrl = context.getProperty("wazzup.demo.emulatorUrl");
    }

    // ------------------------------------------------------------------ routing

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = path(req);
        if (path.equals("/login")) {
            page(resp, null, "Sign in", login(req.getParameter("next")));
            return;
        }
        Optional<SessionUser> me = session.user(req);
        if (me.isEmpty()) {
            resp.sendRedirect("/login");
            return;
        }
        SessionUser u = me.get();
        String[] p = path.substring(1).split("/");
        switch (p[0]) {
            case "" -> resp.sendRedirect("/contacts");
            case "contacts" -> {
                if (p.length == 1) {
                    page(resp, u, "Contacts", contacts(u, req.getParameter("q"), number(req.getParameter("page"))));
                } else if (p[1].equals("new")) {
                    page(resp, u, "New contact", contactForm(u, null));
                } else {
                    Optional<DemoStore.Contact> c = store.contact(p[1]);
                    if (c.isEmpty() || !session.maySeeContact(u, p[1])) {
                        notFound(resp, u);
                    } else {
                        page(resp, u, c.get().name(), contactForm(u, c.get()));
                    }
                }
            }
            case "deals" -> {
                if (p.length == 1) {
                    page(resp, u, "Deals", deals(u, req.getParameter("q"), number(req.getParameter("page"))));
                } else {
                    Optional<DemoStore.Deal> d = store.deal(p[1]);
                    if (d.isEmpty() || !session.maySeeDeal(u, p[1])) {
                        notFound(resp, u);
                    } else {
                        page(resp, u, d.get().name(), dealForm(u, d.get()));
                    }
                }
            }
            case "messages" -> page(resp, u, "Messages", messages(u));
            case "admin" -> {
                if (!u.administrator()) {
                    resp.setStatus(403);
                    page(resp, u, "Not allowed", "<p>Only an administrator sees this page.</p>");
                } else {
                    page(resp, u, "Wazzup connector", DemoWazzupPage.render(sync, outbox::channels));
                }
            }
            default -> notFound(resp, u);
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        req.setCharacterEncoding("UTF-8");
        String path = path(req);
        if (path.equals("/login")) {
            String userId = req.getParameter("user");
            if (userId == null || store.user(userId).isEmpty()) {
                resp.sendRedirect("/login");
                return;
            }
            Cookie c = new Cookie(DemoSession.COOKIE, session.signIn(userId));
            c.setHttpOnly(true);
            c.setPath("/");
            resp.addCookie(c);
            String next = req.getParameter("next");
            // back where sign-in was asked for (e.g. WAuth's confirmation), on this host only
            resp.sendRedirect(next != null && next.startsWith("/") && !next.startsWith("//") ? next : "/contacts");
            return;
        }
        if (path.equals("/logout")) {
            session.signOut(req);
            resp.sendRedirect("/login");
            return;
        }
        Optional<SessionUser> me = session.user(req);
        if (me.isEmpty()) {
            resp.sendError(401);
            return;
        }
        SessionUser u = me.get();
        String[] p = path.substring(1).split("/");
        if (p.length < 2) {
            resp.sendError(404);
            return;
        }
        String id = p[1];
        String action = p.length > 2 ? p[2] : "save";
        if (p[0].equals("contacts")) {
            if (!id.equals("new") && !session.maySeeContact(u, id)) {
                resp.sendError(403);
                return;
            }
            switch (action) {
                case "save" -> {
                    String saved = id.equals("new") ? store.newId("c") : id;
                    crm.saveContact(new DemoStore.Contact(saved, required(req, "name"), responsible(req, u),
                            blank(req.getParameter("company")), blank(req.getParameter("email")), chats(req, id)));
                    resp.sendRedirect("/contacts/" + saved + "?saved=1");
                }
                case "delete" -> {
                    crm.deleteContact(id);
                    resp.sendRedirect("/contacts");
                }
                case "deal" -> {
                    DemoStore.Contact c = store.contact(id).orElseThrow();
                    Pipeline first = store.pipelines().get(0);
                    String deal = store.newId("d");
                    crm.saveDeal(new DemoStore.Deal(deal, "New deal with " + c.name(), c.responsibleUserId(), first.id(),
                            first.stages().get(0).id(), BigDecimal.ZERO, false, List.of(id)));
                    resp.sendRedirect("/deals/" + deal);
                }
                default -> resp.sendError(404);
            }
        } else if (p[0].equals("deals")) {
            Optional<DemoStore.Deal> old = store.deal(id);
            if (old.isEmpty() || !session.maySeeDeal(u, id)) {
                resp.sendError(404);
                return;
            }
            switch (action) {
                case "save" -> {
                    String[] stage = Optional.ofNullable(req.getParameter("stage")).orElse(":").split(":", 2);
                    List<String> contacts = new ArrayList<>();
                    for (String c : Optional.ofNullable(req.getParameter("contacts")).orElse("").split("[,\\s]+")) {
                        if (!c.isBlank() && store.contact(c.trim()).isPresent()) {
                            contacts.add(c.trim());
                        }
                    }
                    crm.saveDeal(new DemoStore.Deal(id, required(req, "name"), responsible(req, u), blank(stage[0]),
                            blank(stage[1]), amount(req.getParameter("amount")), req.getParameter("closed") != null, contacts));
                    resp.sendRedirect("/deals/" + id + "?saved=1");
                }
                case "close" -> {
                    DemoStore.Deal d = old.get();
                    crm.saveDeal(new DemoStore.Deal(d.id(), d.name(), d.responsibleUserId(), d.pipelineId(), d.stageId(),
                            d.amount(), true, d.contactIds()));
                    resp.sendRedirect("/deals/" + id + "?saved=1");
                }
                case "delete" -> {
                    crm.deleteDeal(id);
                    resp.sendRedirect("/deals");
                }
                default -> resp.sendError(404);
            }
        } else {
            resp.sendError(404);
        }
    }

    private static String path(HttpServletRequest req) {
        String p = (req.getServletPath() == null ? "" : req.getServletPath()) + (req.getPathInfo() == null ? "" : req.getPathInfo());
        return p.isEmpty() ? "/" : p.endsWith("/") && p.length() > 1 ? p.substring(0, p.length() - 1) : p;
    }

    // ------------------------------------------------------------------ pages

    private String login(String next) {
        StringBuilder h = new StringBuilder("<main class=\"narrow\"><h1>Demo CRM</h1><p>Sign in as one of the team "
                + "(a demo: no password).</p><form method=\"post\" action=\"/login\">");
        if (next != null) {
            h.append("<input type=\"hidden\" name=\"next\" value=\"").append(esc(next)).append("\">");
        }
        h.append("<select name=\"user\" id=\"user\">");
        for (DemoStore.User u : store.users()) {
            h.append("<option value=\"").append(esc(u.id())).append("\">").append(esc(u.name()))
                    .append(u.admin() ? " (administrator)" : " (manager)").append("</option>");
        }
        return h.append("</select> <button type=\"submit\" id=\"sign-in\">Sign in</button></form></main>").toString();
    }

    private String contacts(SessionUser u, String q, int pageNo) {
        List<DemoStore.Contact> list = store.searchContacts(u.administrator() ? null : u.id(), q, pageNo * PAGE, PAGE + 1);
        StringBuilder h = new StringBuilder("<div class=\"bar\"><h1>Contacts</h1><a class=\"button\" id=\"new-contact\" "
                + "href=\"/contacts/new\">New contact</a></div>");
        h.append(search("/contacts", q));
        h.append("<table id=\"contacts\"><tr><th>Name</th><th>Company</th><th>Messengers</th><th>Responsible</th><th></th></tr>");
        Map<String, String> names = userNames();
        for (DemoStore.Contact c : list.subList(0, Math.min(PAGE, list.size()))) {
            h.append("<tr id=\"contact-").append(esc(c.id())).append("\"><td><a href=\"/contacts/").append(esc(c.id()))
                    .append("\">").append(esc(c.name())).append("</a></td><td>").append(esc(nz(c.company())))
                    .append("</td><td>").append(esc(handles(c.chats()))).append("</td><td>")
                    .append(esc(names.getOrDefault(c.responsibleUserId(), c.responsibleUserId()))).append("</td><td>")
                    .append(button(ChatButton.SLOT_CONTACT_CARD, c.id())).append("</td></tr>");
        }
        h.append("</table>").append(pager("/contacts", q, pageNo, list.size() > PAGE));
        return h.toString();
    }

    private String deals(SessionUser u, String q, int pageNo) {
        List<DemoStore.Deal> list = store.searchDeals(u.administrator() ? null : u.id(), q, pageNo * PAGE, PAGE + 1);
        Map<String, String> stages = stageNames();
        Map<String, String> names = userNames();
        StringBuilder h = new StringBuilder("<div class=\"bar\"><h1>Deals</h1></div>").append(search("/deals", q));
        h.append("<table id=\"deals\"><tr><th>Deal</th><th>Stage</th><th>Amount</th><th>Responsible</th><th></th></tr>");
        for (DemoStore.Deal d : list.subList(0, Math.min(PAGE, list.size()))) {
            h.append("<tr id=\"deal-").append(esc(d.id())).append("\"").append(d.closed() ? " class=\"closed\"" : "")
                    .append("><td><a href=\"/deals/").append(esc(d.id())).append("\">").append(esc(d.name()))
                    .append("</a>").append(d.closed() ? " (closed)" : "").append("</td><td>")
                    .append(esc(stages.getOrDefault(d.stageId(), ""))).append("</td><td>").append(esc(money(d.amount())))
                    .append("</td><td>").append(esc(names.getOrDefault(d.responsibleUserId(), d.responsibleUserId())))
                    .append("</td><td>").append(d.contactIds().isEmpty() ? "" : button(ChatButton.SLOT_DEAL_CARD, d.id()))
                    .append("</td></tr>");
        }
        h.append("</table>").append(pager("/deals", q, pageNo, list.size() > PAGE));
        return h.toString();
    }

    private String contactForm(SessionUser u, DemoStore.Contact c) {
        String action = c == null ? "/contacts/new" : "/contacts/" + c.id();
        String whatsapp = c == null ? "" : c.chats().stream().filter(h -> h.chatType().equals(ChatHandle.TYPE_WHATSAPP))
                .map(h -> h.phone() != null ? h.phone() : h.chatId()).findFirst().orElse("");
        String telegram = c == null ? "" : c.chats().stream().filter(h -> h.chatType().equals(ChatHandle.TYPE_TELEGRAM))
                .map(h -> h.username() != null ? "@" + h.username().replaceFirst("^@", "") : nz(h.chatId())).findFirst().orElse("");
        StringBuilder h = new StringBuilder("<div class=\"bar\"><h1>").append(c == null ? "New contact" : esc(c.name()))
                .append("</h1>");
        if (c != null) {
            h.append(button(ChatButton.SLOT_CONTACT_CARD, c.id()));
        }
        h.append("</div><form method=\"post\" action=\"").append(action).append("\" class=\"card\" id=\"contact-form\">")
                .append(field("Name", "name", c == null ? "" : c.name(), true))
                .append(field("Company", "company", c == null ? "" : nz(c.company()), false))
                .append(field("Email", "email", c == null ? "" : nz(c.email()), false))
                .append(field("WhatsApp phone", "whatsapp", whatsapp, false))
                .append(field("Telegram username", "telegram", telegram, false))
                .append(responsibleSelect(u, c == null ? u.id() : c.responsibleUserId()));
        if (c != null) {
            List<String> others = c.chats().stream().filter(x -> !x.chatType().equals(ChatHandle.TYPE_WHATSAPP)
                    && !x.chatType().equals(ChatHandle.TYPE_TELEGRAM)).map(x -> x.chatType() + " " + nz(x.chatId())).toList();
            if (!others.isEmpty()) {
                h.append("<p>Other messengers: ").append(esc(String.join(", ", others))).append("</p>");
            }
        }
        h.append("<button type=\"submit\" id=\"save\">Save</button></form>");
        if (c != null) {
            h.append("<h2>Deals</h2><ul id=\"contact-deals\">");
            for (DemoStore.Deal d : store.dealsOfContact(c.id())) {
                h.append("<li><a href=\"/deals/").append(esc(d.id())).append("\">").append(esc(d.name())).append("</a>")
                        .append(d.closed() ? " (closed)" : "").append("</li>");
            }
            h.append("</ul><form method=\"post\" action=\"/contacts/").append(esc(c.id())).append("/deal\" class=\"inline\">")
                    .append("<button type=\"submit\" id=\"new-deal\">New deal</button></form>")
                    .append("<form method=\"post\" action=\"/contacts/").append(esc(c.id())).append("/delete\" class=\"inline\" ")
                    .append("onsubmit=\"return confirm('Delete this contact?')\"><button type=\"submit\" class=\"danger\" ")
                    .append("id=\"delete\">Delete contact</button></form>");
            h.append(outbox.form(c.id()));
        }
        return h.toString();
    }

    private String dealForm(SessionUser u, DemoStore.Deal d) {
        StringBuilder h = new StringBuilder("<div class=\"bar\"><h1>").append(esc(d.name())).append(d.closed() ? " (closed)" : "")
                .append("</h1>").append(d.contactIds().isEmpty() ? "" : button(ChatButton.SLOT_DEAL_CARD, d.id()))
                .append("</div><form method=\"post\" action=\"/deals/").append(esc(d.id()))
                .append("\" class=\"card\" id=\"deal-form\">")
                .append(field("Name", "name", d.name(), true))
                .append(field("Amount", "amount", d.amount() == null ? "" : d.amount().toPlainString(), false))
                .append("<label>Stage <select name=\"stage\" id=\"stage\">");
        for (Pipeline p : store.pipelines()) {
            h.append("<optgroup label=\"").append(esc(p.name())).append("\">");
            for (Stage s : p.stages()) {
                boolean selected = p.id().equals(d.pipelineId()) && s.id().equals(d.stageId());
                h.append("<option value=\"").append(esc(p.id() + ":" + s.id())).append("\"").append(selected ? " selected" : "")
                        .append(">").append(esc(s.name())).append("</option>");
            }
            h.append("</optgroup>");
        }
        h.append("</select></label>")
                .append(field("Contacts (ids)", "contacts", String.join(", ", d.contactIds()), false))
                .append(responsibleSelect(u, d.responsibleUserId()))
                .append("<label><input type=\"checkbox\" name=\"closed\" id=\"closed\"").append(d.closed() ? " checked" : "")
                .append("> Closed</label><button type=\"submit\" id=\"save\">Save</button></form><h2>Contacts</h2><ul>");
        for (DemoStore.Contact c : store.contacts(d.contactIds())) {
            h.append("<li><a href=\"/contacts/").append(esc(c.id())).append("\">").append(esc(c.name())).append("</a> ")
                    .append(button(ChatButton.SLOT_CONTACT_CARD, c.id())).append("</li>");
        }
        h.append("</ul>");
        if (!d.closed()) {
            h.append("<form method=\"post\" action=\"/deals/").append(esc(d.id())).append("/close\" class=\"inline\">")
                    .append("<button type=\"submit\" id=\"close-deal\">Close deal</button></form>");
        }
        h.append("<form method=\"post\" action=\"/deals/").append(esc(d.id())).append("/delete\" class=\"inline\" ")
                .append("onsubmit=\"return confirm('Delete this deal?')\"><button type=\"submit\" class=\"danger\" ")
                .append("id=\"delete\">Delete deal</button></form>");
        return h.toString();
    }

    private String messages(SessionUser u) {
        StringBuilder h = new StringBuilder("<h1>Messages from customers</h1><p>What the connector's "
                + "<code>message/RECEIVED</code> events brought, for the chats you are responsible for.</p>");
        List<DemoNotifications.Notification> list = notifications.of(u);
        if (list.isEmpty()) {
            h.append("<p id=\"no-messages\">No message yet.</p>");
        }
        h.append("<table id=\"messages\">");
        for (DemoNotifications.Notification n : list) {
            h.append("<tr class=\"message\"><td>").append(esc(n.time().toString().substring(11, 19))).append("</td><td>");
            if (!n.contactIds().isEmpty()) {
                h.append("<a href=\"/contacts/").append(esc(n.contactIds().get(0))).append("\">")
                        .append(esc(n.contactName() == null ? n.contactIds().get(0) : n.contactName())).append("</a>");
            } else {
                h.append(esc(n.contactName() == null ? n.chatType() + " " + n.chatId() : n.contactName()));
            }
            h.append("</td><td>").append(esc(n.text())).append("</td><td>");
            if (!n.contactIds().isEmpty()) {
                h.append(button(ChatButton.SLOT_CONTACT_CARD, n.contactIds().get(0)));
            }
            h.append("</td></tr>");
        }
        return h.append("</table>").append(outbox.all()).toString();
    }

    // ------------------------------------------------------------------ pieces

    private void page(HttpServletResponse resp, SessionUser u, String title, String body) throws IOException {
        StringBuilder h = new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(esc(title)).append(" · Demo CRM</title><meta name=\"viewport\" content=\"width=device-width\">")
                .append("<style>").append(STYLE).append("</style>");
        Set<String> scripts = new LinkedHashSet<>();
        buttons.forEach(b -> scripts.add(b.scriptUrl()));
        for (String s : scripts) {
            h.append("<script src=\"").append(esc(s)).append("\" defer></script>");
        }
        h.append("</head><body>");
        if (u != null) {
            h.append("<header><a href=\"/contacts\" class=\"brand\">Demo CRM</a><nav><a href=\"/contacts\">Contacts</a>")
                    .append("<a href=\"/deals\">Deals</a>");
            int messages = notifications.of(u).size();
            h.append("<a href=\"/messages\" id=\"messages-link\">Messages").append(messages == 0 ? "" : " (" + messages + ")")
                    .append("</a>");
            if (u.administrator()) {
                h.append("<a href=\"/admin\">Wazzup</a><a href=\"/system/console/configMgr/dev.crmbridge.wazzup\">Settings</a>");
            }
            if (emulatorUrl != null) {
                h.append("<a href=\"").append(esc(emulatorUrl)).append("/__emulator\" target=\"_blank\">Emulator</a>");
            }
            h.append("</nav><span class=\"slot\" id=\"toolbar\">").append(button(ChatButton.SLOT_GLOBAL_TOOLBAR, null))
                    .append("</span><span id=\"me\" data-user-id=\"").append(esc(u.id())).append("\">").append(esc(u.name()))
                    .append("</span><form method=\"post\" action=\"/logout\"><button type=\"submit\" id=\"sign-out\">Sign out")
                    .append("</button></form></header>");
        }
        h.append("<main>").append(body).append("</main></body></html>");
        resp.setContentType("text/html;charset=UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.getWriter().write(h.toString());
    }

    private void notFound(HttpServletResponse resp, SessionUser u) throws IOException {
        resp.setStatus(404);
        page(resp, u, "Not found", "<p>There is no such page, or you may not see it.</p>");
    }

    private String button(String slot, String id) {
        StringBuilder h = new StringBuilder();
        for (ChatButton b : buttons) {
            if (b.slot().equals(slot)) {
                h.append(b.markup(id));
            }
        }
        return h.toString();
    }

    private static String search(String action, String q) {
        return "<form method=\"get\" action=\"" + action + "\" class=\"search\"><input type=\"search\" name=\"q\" value=\""
                + esc(nz(q)) + "\" placeholder=\"Search\" id=\"q\"><button type=\"submit\">Search</button></form>";
    }

    private static String pager(String base, String q, int pageNo, boolean more) {
        String query = q == null || q.isBlank() ? "" : "&q=" + java.net.URLEncoder.encode(q, java.nio.charset.StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder("<p class=\"pager\">");
        if (pageNo > 0) {
            h.append("<a href=\"").append(base).append("?page=").append(pageNo - 1).append(query).append("\">← Previous</a> ");
        }
        if (more) {
            h.append("<a href=\"").append(base).append("?page=").append(pageNo + 1).append(query).append("\" id=\"next\">Next →</a>");
        }
        return h.append("</p>").toString();
    }

    private String responsibleSelect(SessionUser u, String current) {
        StringBuilder h = new StringBuilder("<label>Responsible <select name=\"responsible\" id=\"responsible\"")
                .append(u.administrator() ? "" : " disabled").append(">");
        for (DemoStore.User x : store.users()) {
            h.append("<option value=\"").append(esc(x.id())).append("\"").append(x.id().equals(current) ? " selected" : "")
                    .append(">").append(esc(x.name())).append("</option>");
        }
        return h.append("</select></label>").toString();
    }

    private static String field(String label, String name, String value, boolean required) {
        return "<label>" + esc(label) + " <input name=\"" + name + "\" id=\"" + name + "\" value=\"" + esc(value) + "\""
                + (required ? " required" : "") + "></label>";
    }

    private String responsible(HttpServletRequest req, SessionUser u) {
        String r = req.getParameter("responsible");
        return u.administrator() && r != null && store.user(r).isPresent() ? r : u.id();
    }

    /** The messengers of the form; handles of other types the contact has are kept. */
    private List<ChatHandle> chats(HttpServletRequest req, String id) {
        List<ChatHandle> out = new ArrayList<>();
        String phone = blank(req.getParameter("whatsapp"));
        if (phone != null) {
            out.add(ChatHandle.whatsapp(phone));
        }
        String telegram = blank(req.getParameter("telegram"));
        if (telegram != null) {
            out.add(ChatHandle.telegramUsername(telegram));
        }
        if (!id.equals("new")) {
            store.contact(id).ifPresent(c -> c.chats().stream().filter(h -> !h.chatType().equals(ChatHandle.TYPE_WHATSAPP)
                    && !h.chatType().equals(ChatHandle.TYPE_TELEGRAM)).forEach(out::add));
        }
        return out;
    }

    private Map<String, String> userNames() {
        return store.users().stream().collect(Collectors.toMap(DemoStore.User::id, DemoStore.User::name));
    }

    private Map<String, String> stageNames() {
        return store.pipelines().stream().flatMap(p -> p.stages().stream().map(s -> Map.entry(s.id(), p.name() + ": " + s.name())))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a));
    }

    private static String handles(List<ChatHandle> chats) {
        return chats.stream().map(h -> h.chatType() + " " + (h.phone() != null ? h.phone() : h.username() != null
                ? "@" + h.username().replaceFirst("^@", "") : nz(h.chatId()))).collect(Collectors.joining(", "));
    }

    private static String required(HttpServletRequest req, String name) {
        String v = blank(req.getParameter(name));
        return v == null ? "(no name)" : v;
    }

    private static BigDecimal amount(String s) {
        try {
            return s == null || s.isBlank() ? BigDecimal.ZERO : new BigDecimal(s.trim().replace(" ", "").replace(',', '.'));
        } catch (NumberFormatException e) {
            return BigDecimal.ZERO;
        }
    }

    private static String money(BigDecimal b) {
        return b == null ? "" : String.format("%,.0f", b);
    }

    private static int number(String s) {
        try {
            return s == null ? 0 : Math.max(0, Integer.parseInt(s));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(ch);
            }
        }
        return out.toString();
    }

    private static final String STYLE = """
            body{margin:0;font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1d2330;background:#f5f6f8}
            header{display:flex;align-items:center;gap:16px;padding:10px 20px;background:#1d2330;color:#fff}
            header a{color:#cfd6e4;text-decoration:none}header a:hover{color:#fff}
            header .brand{font-weight:700;color:#fff}header nav{display:flex;gap:14px;flex:1}
            header form{margin:0}header button{background:transparent;color:#cfd6e4;border:1px solid #4a5368;border-radius:6px;padding:4px 10px}
            main{padding:20px;max-width:1100px}main.narrow{max-width:420px;margin:60px auto;background:#fff;border-radius:8px}
            .bar{display:flex;align-items:center;gap:14px}.bar h1{margin:0 0 8px}
            table{border-collapse:collapse;width:100%;background:#fff;margin:10px 0}
            th,td{padding:7px 10px;border-bottom:1px solid #e4e7ee;text-align:left}tr.closed td{color:#8a8f98}
            .card{background:#fff;border-radius:8px;padding:16px;display:grid;gap:10px;max-width:560px}
            label{display:grid;gap:4px}input,select{padding:6px 8px;border:1px solid #c9cfdb;border-radius:6px;font:inherit}
            button,.button{padding:6px 14px;border-radius:6px;border:1px solid #1f8a70;background:#1f8a70;color:#fff;font:inherit;cursor:pointer;text-decoration:none}
            button.danger{background:#fff;color:#c0392b;border-color:#c0392b}form.inline{display:inline-block;margin:10px 8px 0 0}
            .search{display:flex;gap:8px;margin:8px 0}.warn{color:#a15c00}a{color:#1f6f8a}
            """;
}
