package dev.crmbridge.wazzup.itests;

import dev.crmbridge.wazzup.api.model.CrmContact;
import dev.crmbridge.wazzup.api.model.CrmDeal;
import dev.crmbridge.wazzup.api.model.CrmUser;
import dev.crmbridge.wazzup.api.spi.SessionUser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.servlet.http.Cookie;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The browser host's pages under {@code /crm}: a sign-in form, and a home page with the contacts and
 * deals the user may see. UI contributions are any services with a {@code dev.crmbridge.wazzup.ui.slot}
 * property: the page includes each one's script and places its markup (its {@code {id}} replaced by
 * the card's id) in the slot, knowing nothing else of them.
 */
final class BrowserHostPages extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final String SLOT = "dev.crmbridge.wazzup.ui.slot";
    private static final String SCRIPT = "dev.crmbridge.wazzup.ui.script";
    private static final String MARKUP = "dev.crmbridge.wazzup.ui.markup";

    private final transient ItDirectory crm;
    private final transient CookieSession session;
    private final transient ServiceTracker<Object, Object> contributions;
    private final transient BundleContext context;

    BrowserHostPages(BundleContext context, ItDirectory crm, CookieSession session) throws InvalidSyntaxException {
        this.context = context;
        this.crm = crm;
        this.session = session;
        this.contributions = new ServiceTracker<>(context, context.createFilter("(" + SLOT + "=*)"), null);
        contributions.open(true);
    }

    void close() {
        contributions.close();
    }

    /** The heap in use after a GC, the threads, those not idle in a pool, and the connector's streams. */
    private void jvm(HttpServletResponse resp) throws IOException {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        long heap = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        int busy = 0;
        java.lang.management.ThreadInfo[] all = java.lang.management.ManagementFactory.getThreadMXBean()
                .dumpAllThreads(false, false);
        for (java.lang.management.ThreadInfo t : all) {
            String stack = java.util.Arrays.toString(t.getStackTrace());
            busy += stack.contains("idleJobPoll") || stack.contains("ReservedThread") || stack.contains("getTask") ? 0 : 1;
        }
        org.osgi.framework.ServiceReference<dev.crmbridge.wazzup.api.chat.UnansweredCounters> ref = context
                .getServiceReference(dev.crmbridge.wazzup.api.chat.UnansweredCounters.class);
        Object streams = ref == null ? "none" : context.getService(ref).streams();
        resp.setContentType("text/plain");
        resp.getWriter().println("heap=" + heap + " threads=" + all.length + " busy=" + busy + " streams=" + streams);
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo() == null ? "/" : req.getPathInfo();
        if (path.equals("/login")) {
            page(resp, "Sign in", loginForm(req.getParameter("next")));
            return;
        }
        if (path.equals("/jvm")) { // for the live counter's benchmark: this JVM's heap and threads
            jvm(resp);
            return;
        }
        Optional<SessionUser> user = session.user(req);
        if (user.isEmpty()) {
            resp.sendRedirect("/crm/login");
            return;
        }
        if (path.equals("/") || path.isEmpty()) {
            page(resp, "CRM", home(user.get()));
        } else {
            resp.sendError(404);
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo() == null ? "/" : req.getPathInfo();
        String userId = req.getParameter("user");
        if (!path.equals("/login") || userId == null || !crm.users.containsKey(userId)) {
            resp.sendError(400);
            return;
        }
        Cookie c = new Cookie(CookieSession.COOKIE, session.signIn(userId));
        c.setHttpOnly(true);
        c.setPath("/");
        resp.addCookie(c);
        String next = req.getParameter("next");
        // back where the sign-in was asked for: a path on this host only
        resp.sendRedirect(next != null && next.startsWith("/") && !next.startsWith("//") ? next : "/crm/");
    }

    private String loginForm(String next) {
        StringBuilder h = new StringBuilder("<h1>Sign in</h1><form method=\"post\" action=\"/crm/login\">")
                .append(next == null ? "" : "<input type=\"hidden\" name=\"next\" value=\"" + esc(next) + "\">")
                .append("<select name=\"user\" id=\"user\">");
        for (CrmUser u : crm.users.values()) {
            h.append("<option value=\"").append(esc(u.id())).append("\">").append(esc(u.name())).append("</option>");
        }
        return h.append("</select> <button type=\"submit\" id=\"sign-in\">Sign in</button></form>").toString();
    }

    private String home(SessionUser user) {
        List<ServiceReference<Object>> refs = new ArrayList<>();
        ServiceReference<Object>[] tracked = contributions.getServiceReferences();
        if (tracked != null) {
            refs.addAll(List.of(tracked));
        }
        refs.sort(Comparator.naturalOrder());
        StringBuilder h = new StringBuilder("<header><b>Host CRM</b> <span id=\"me\" data-user-id=\"")
                .append(esc(user.id())).append("\">").append(esc(user.name())).append("</span> <span class=\"slot\" id=\"toolbar\">")
                .append(slot(refs, "global-toolbar", null)).append("</span></header>");
        h.append("<h2>Contacts</h2>");
        for (CrmContact c : crm.contacts.values()) {
            if (session.maySeeContact(user, c.id())) {
                h.append("<div class=\"card contact\" id=\"contact-").append(esc(c.id())).append("\"><b>")
                        .append(esc(c.name())).append("</b> ").append(slot(refs, "contact-card", c.id())).append("</div>");
            }
        }
        h.append("<h2>Deals</h2><ul id=\"deals\">");
        for (CrmDeal d : crm.deals.values()) {
            if (session.maySeeDeal(user, d.id())) {
                h.append("<li class=\"card deal\" id=\"deal-").append(esc(d.id())).append("\" data-contacts=\"")
                        .append(esc(String.join(",", d.contactIds()))).append("\"><b>").append(esc(d.name())).append("</b> ")
                        .append(slot(refs, "deal-card", d.id())).append("</li>");
            }
        }
        h.append("</ul><h2>Made from chats</h2><ul id=\"created-deals\"></ul>");
        h.append("<script>document.addEventListener('wazzup-deal-created', function (e) {"
                + " var li = document.createElement('li'); li.className = 'created-deal';"
                + " li.dataset.dealId = e.detail.id; li.textContent = e.detail.name + ' (' + e.detail.id + ')';"
                + " document.getElementById('created-deals').appendChild(li); });"
                + "document.addEventListener('wazzup-error', function (e) { e.preventDefault();"
                + " document.body.setAttribute('data-wazzup-error', e.detail.message); });</script>");
        Set<String> scripts = new LinkedHashSet<>();
        for (ServiceReference<Object> r : refs) {
            if (r.getProperty(SCRIPT) instanceof String s) {
                scripts.add(s);
            }
        }
        for (String s : scripts) {
            h.append("<script src=\"").append(esc(s)).append("\"></script>");
        }
        return h.toString();
    }

    private static String slot(List<ServiceReference<Object>> refs, String slot, String id) {
        StringBuilder h = new StringBuilder();
        for (ServiceReference<Object> r : refs) {
            if (slot.equals(r.getProperty(SLOT)) && r.getProperty(MARKUP) instanceof String m) {
                h.append(id == null ? m : m.replace("{id}", esc(id)));
            }
        }
        return h.toString();
    }

    private static void page(HttpServletResponse resp, String title, String body) throws IOException {
        resp.setContentType("text/html;charset=UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.getWriter().write("<!doctype html><html><head><meta charset=\"utf-8\"><title>" + esc(title)
                + "</title><style>body{font-family:sans-serif;margin:16px}.card{margin:6px 0;padding:8px;"
                + "border:1px solid #ddd;border-radius:6px;list-style:none}header{display:flex;gap:12px;"
                + "align-items:center}</style></head><body>" + body + "</body></html>");
    }

    private static String esc(String s) {
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
}
