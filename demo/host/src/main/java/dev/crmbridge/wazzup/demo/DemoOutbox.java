package dev.crmbridge.wazzup.demo;

import dev.crmbridge.wazzup.api.message.Channel;
import dev.crmbridge.wazzup.api.message.Channels;
import dev.crmbridge.wazzup.api.message.MessageState;
import dev.crmbridge.wazzup.api.message.Messages;
import dev.crmbridge.wazzup.api.message.OutgoingMessage;
import dev.crmbridge.wazzup.api.message.Template;
import dev.crmbridge.wazzup.api.message.Templates;
import dev.crmbridge.wazzup.api.spi.SessionUser;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Messages the demo CRM sends through the connector's {@link Messages} service: the "Send a message" form
 * of a contact card (a text, or a WhatsApp Business template with its values), posted to
 * {@code /outbox/send}, and the table of what was sent with its statuses. A real CRM would send from its
 * automations the same way ({@link DemoAutomation}).
 */
@Component(service = {Servlet.class, DemoOutbox.class}, property = {
    "osgi.http.whiteboard.servlet.pattern=/outbox/*",
    "osgi.http.whiteboard.servlet.name=demo-outbox"})
public final class DemoOutbox extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient DemoSession session;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Messages messages;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Templates templates;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Channels channelService;

    @Activate
    public DemoOutbox(@Reference DemoSession session) {
        this.session = session;
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        req.setCharacterEncoding("UTF-8");
        Optional<SessionUser> me = session.user(req);
        if (me.isEmpty()) {
            resp.sendError(401);
            return;
        }
        String contactId = req.getParameter("contactId");
        if (!"/send".equals(req.getPathInfo()) || contactId == null || !session.maySeeContact(me.get(), contactId)) {
            resp.sendError(contactId == null ? 400 : 403);
            return;
        }
        Messages m = messages;
        if (m == null) {
            resp.sendError(503, "the Wazzup connector is not running");
            return;
        }
        OutgoingMessage.Builder b = OutgoingMessage.toContact(contactId).author(me.get().id())
                .clearUnanswered(req.getParameter("clearUnanswered") != null);
        String template = req.getParameter("templateId");
        String text = req.getParameter("text");
        if (template != null && !template.isBlank()) {
            String values = Optional.ofNullable(req.getParameter("values")).orElse("");
            b.template(template, values.isBlank() ? List.of() : Arrays.stream(values.split(";")).map(String::trim).toList());
        } else {
            b.text(text);
        }
        String id;
        try {
            id = m.send(b.build());
        } catch (IllegalArgumentException e) {
            resp.sendError(400, e.getMessage());
            return;
        }
        resp.sendRedirect("/contacts/" + java.net.URLEncoder.encode(contactId, java.nio.charset.StandardCharsets.UTF_8)
                + "?sent=" + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8) + "#outbox");
    }

    /** The contact card's "Send a message" form and what the CRM sent this contact. */
    String form(String contactId) {
        Messages m = messages;
        StringBuilder h = new StringBuilder("<h2 id=\"outbox\">Send a message</h2>");
        if (m == null) {
            return h.append("<p>The Wazzup connector is not running.</p>").toString();
        }
        h.append("<form method=\"post\" action=\"/outbox/send\" class=\"card\" id=\"send-form\">")
                .append("<input type=\"hidden\" name=\"contactId\" value=\"").append(e(contactId)).append("\">")
                .append("<label>Text <textarea name=\"text\" id=\"send-text\" rows=\"3\"></textarea></label>");
        List<Template> approved = approvedTemplates();
        if (!approved.isEmpty()) {
            h.append("<label>or a WhatsApp Business template <select name=\"templateId\" id=\"send-template\">")
                    .append("<option value=\"\">(none: send the text)</option>");
            for (Template t : approved) {
                h.append("<option value=\"").append(e(t.id())).append("\">").append(e(t.name()))
                        .append(" (").append(t.variables()).append(t.variables() == 1 ? " value" : " values").append(")</option>");
            }
            h.append("</select></label><label>Values, separated by ; <input name=\"values\" id=\"send-values\"></label>");
        }
        h.append("<label><input type=\"checkbox\" name=\"clearUnanswered\" checked> this is my reply"
                + " (resets the unanswered counter)</label><button type=\"submit\" id=\"send\">Send</button></form>");
        return h.append(table(m.recent(200).stream().filter(s -> contactId.equals(s.contactId())).toList(), "contact-outbox"))
                .toString();
    }

    /** Every message the CRM sent lately, with its status. */
    String all() {
        Messages m = messages;
        return m == null ? "" : "<h2>Messages the CRM sent</h2>" + table(m.recent(100), "outbox-all");
    }

    /** The account's channels with their states and problems, for the Wazzup page. */
    String channels() {
        Channels c = channelService;
        List<Channel> list;
        try {
            list = c == null ? List.of() : c.list();
        } catch (RuntimeException e) {
            list = List.of();
        }
        if (list.isEmpty()) {
            return "<p id=\"channels-empty\">No channel known yet.</p>";
        }
        StringBuilder h = new StringBuilder("<h2>Channels</h2><table id=\"channels\"><tr><th>Channel</th><th>Transport</th>"
                + "<th>State</th><th>Problem</th></tr>");
        for (Channel ch : list) {
            h.append("<tr data-state=\"").append(e(ch.state())).append("\"><td>")
                    .append(e(ch.name() != null ? ch.name() : ch.plainId())).append("</td><td>")
                    .append(e(ch.transport())).append("</td><td>").append(e(ch.state()))
                    .append("</td><td class=\"problem\">").append(ch.problem() == null ? "" : e(ch.problem()))
                    .append("</td></tr>");
        }
        return h.append("</table>").toString();
    }

    private List<Template> approvedTemplates() {
        Templates t = templates;
        try {
            return t == null ? List.of() : t.list().stream().filter(Template::approved).toList();
        } catch (RuntimeException e) {
            return List.of(); // Wazzup cannot be asked now: the text still goes
        }
    }

    private static String table(List<MessageState> list, String id) {
        if (list.isEmpty()) {
            return "<p id=\"" + id + "-empty\">Nothing sent yet.</p>";
        }
        StringBuilder h = new StringBuilder("<table id=\"").append(id).append("\"><tr><th>Queued</th><th>To</th><th>Status</th>"
                + "<th>Details</th></tr>");
        for (MessageState s : list) {
            h.append("<tr class=\"sent-message\" data-id=\"").append(e(s.id())).append("\" data-status=\"")
                    .append(s.status()).append("\"><td>").append(e(s.queuedAt().toString().substring(0, 19).replace('T', ' ')))
                    .append("</td><td>").append(e(s.contactId() != null ? s.contactId()
                            : s.chatType() + " " + s.chatId())).append("</td><td class=\"status\">").append(s.status())
                    .append("</td><td>").append(e(s.errorCode() == null ? "" : s.errorCode()))
                    .append(s.errorDescription() == null ? "" : " " + e(s.errorDescription())).append("</td></tr>");
        }
        return h.append("</table>").toString();
    }

    private static String e(String s) {
        return s == null ? "" : DemoPages.esc(s);
    }
}
