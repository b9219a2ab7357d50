package dev.crmbridge.wazzup.emulator;

import dev.crmbridge.wazzup.emulator.model.Chat;
import dev.crmbridge.wazzup.emulator.model.ChatMessage;
import dev.crmbridge.wazzup.emulator.model.Contact;
import dev.crmbridge.wazzup.emulator.model.ContactData;
import dev.crmbridge.wazzup.emulator.model.Deal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The emulator's HTML pages: the chat window that {@code POST /v3/iframe} links to (§6), the
 * marketplace with its "Connect" button (§9), and an index.
 */
final class Pages {

    private static final String P = WazzupEmulator.CONTROL_PREFIX;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd.MM HH:mm").withZone(ZoneOffset.UTC);

    private static final String STYLE = """
            <style>
            body{font-family:system-ui,sans-serif;margin:0;color:#1d2733;background:#f4f6f8}
            header{background:#2a9d8f;color:#fff;padding:8px 14px;display:flex;gap:12px;align-items:center}
            .wrap{display:flex;height:calc(100vh - 40px)}
            .chats{width:260px;background:#fff;border-right:1px solid #dde;overflow:auto}
            .chats a{display:block;padding:10px 12px;color:inherit;text-decoration:none;border-bottom:1px solid #eef}
            .chats a.active{background:#e6f4f1}
            .badge{background:#e63946;color:#fff;border-radius:9px;padding:0 6px;font-size:12px;margin-left:6px}
            .dialog{flex:1;display:flex;flex-direction:column}
            .bar{padding:8px 12px;background:#fff;border-bottom:1px solid #dde;display:flex;gap:10px;align-items:center}
            .msgs{flex:1;overflow:auto;padding:12px}
            .msg{max-width:60%;margin:6px 0;padding:8px 10px;border-radius:8px;background:#fff}
            .msg.out{margin-left:auto;background:#d8f3dc}
            .msg.deleted .wz-text{text-decoration:line-through;color:#889}
            .quote{border-left:3px solid #2a9d8f;padding-left:6px;color:#556;font-size:12px}
            .wz-template{font-size:12px;color:#2a6f67}
            .wz-error{color:#e63946}
            .meta{font-size:11px;color:#667}
            form.reply{display:flex;gap:8px;padding:10px;background:#fff;border-top:1px solid #dde}
            form.reply input[type=text]{flex:1;padding:8px}
            details.deals{position:relative}
            details.deals ul{list-style:none;margin:4px 0;padding:6px;background:#fff;border:1px solid #ccd;position:absolute;min-width:260px;z-index:2}
            details.deals li{padding:4px}
            .closed{color:#889;text-decoration:line-through}
            .note{padding:6px 12px;background:#fff3cd}
            table{border-collapse:collapse}td,th{border:1px solid #ccd;padding:4px 8px;text-align:left}
            main{padding:16px}
            </style>""";

    private final WazzupEmulator emulator;

    Pages(WazzupEmulator emulator) {
        this.emulator = emulator;
    }

    void register(Router r) {
        r.control("GET", P, this::index);
        r.control("GET", P + "/chat/{token}", this::chat);
        r.control("POST", P + "/chat/{token}/reply", this::reply);
        r.control("POST", P + "/chat/{token}/plus", this::plus);
        r.control("GET", P + "/marketplace", this::marketplace);
        r.control("GET", P + "/marketplace/connect", this::connect);
        r.control("GET", P + "/avatars/{name}", req -> Resp.raw(200, "image/svg+xml",
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"64\"><circle cx=\"32\" cy=\"32\" "
                        + "r=\"32\" fill=\"#2a9d8f\"/></svg>"));
    }

    // ---- index

    private Resp index(Req req) {
        StringBuilder h = page("Wazzup API v3 emulator");
        h.append("<main><h1>Wazzup API v3 emulator</h1><p>Base URL: <code>").append(esc(emulator.baseUrl().toString()))
                .append("</code>. REST routes under <code>/v3</code>, Bearer API key. Control routes under <code>")
                .append(P).append("</code> (no key). See the project README for every route.</p>")
                .append("<h2>Accounts</h2><table><tr><th>account</th><th>users</th><th>contacts</th><th>deals</th>"
                        + "<th>webhooks</th></tr>");
        for (Account a : emulator.accounts()) {
            h.append("<tr><td>").append(esc(a.id())).append("</td><td>").append(a.users().size()).append("</td><td>")
                    .append(a.contacts().size()).append("</td><td>").append(a.deals().size()).append("</td><td>")
                    .append(esc(String.valueOf(a.webhooks().uri()))).append("</td></tr>");
        }
        h.append("</table><p><a href=\"").append(P).append("/marketplace\">Marketplace (WAuth)</a></p>");
        h.append("<h2>Routes</h2><ul>");
        for (Router.Route route : emulator.router().routes()) {
            h.append("<li><code>").append(esc(route.key())).append("</code></li>");
        }
        return Resp.html(200, h.append("</ul></main></body></html>").toString());
    }

    // ---- chat window (§6)

    private Resp chat(Req req) {
        IframeSession s = session(req);
        Account account = emulator.account(s.accountId()).orElseThrow(() -> ApiError.notFound("Account"));
        List<Chat> chats = chats(s, account);
        String selected = req.queryParam("chat");
        Chat active = null;
        for (Chat c : chats) {
            if (key(c).equals(selected)) {
                active = c;
            }
        }
        if (active == null && selected == null && s.activeChat() != null) {
            String id = firstNonNull(s.activeChat().chatId(), s.activeChat().username(), s.activeChat().phone());
            active = chats.stream().filter(c -> c.chatType().equals(s.activeChat().chatType()) && c.chatId().equals(id))
                    .findFirst().orElse(null);
        }
        if (active == null && !chats.isEmpty()) {
            active = chats.get(0);
        }
        StringBuilder h = page("Wazzup chats");
        h.append("<header><b>Wazzup</b><span id=\"wz-user\" data-user-id=\"").append(esc(s.userId())).append("\">")
                .append(esc(s.userName())).append("</span><span>scope: <b id=\"wz-scope\">").append(esc(s.scope()))
                .append("</b></span></header>");
        if (req.queryParam("note") != null) {
            h.append("<div class=\"note\" id=\"wz-note\">").append(esc(req.queryParam("note"))).append("</div>");
        }
        h.append("<div class=\"wrap\"><nav class=\"chats\" id=\"wz-chats\">");
        if (chats.isEmpty()) {
            h.append("<p style=\"padding:12px\">No chats</p>");
        }
        for (Chat c : chats) {
            long waiting = waiting(c);
            h.append("<a class=\"chat").append(c == active ? " active" : "").append("\" data-chat=\"")
                    .append(esc(key(c))).append("\" href=\"?chat=").append(url(key(c))).append("\">")
                    .append(esc(label(account, c))).append(" <small>").append(esc(c.chatType())).append("</small>");
            if (waiting > 0) {
                h.append("<span class=\"badge\">").append(waiting).append("</span>");
            }
            h.append("</a>");
        }
        h.append("</nav><section class=\"dialog\">");
        if (active != null) {
            h.append(dialog(s, account, active));
        }
        h.append("</section></div>");
        h.append(script(s));
        return Resp.html(200, h.append("</body></html>").toString());
    }

    private String dialog(IframeSession s, Account account, Chat chat) {
        StringBuilder h = new StringBuilder();
        List<Contact> contacts = account.contactsOfChat(chat.chatType(), chat.chatId());
        h.append("<div class=\"bar\"><b id=\"wz-active\" data-chat=\"").append(esc(key(chat))).append("\">")
                .append(esc(label(account, chat))).append("</b><span>").append(esc(chat.chatType())).append(" ")
                .append(esc(chat.chatId())).append("</span>");
        h.append("<details class=\"deals\" id=\"wz-deals\"><summary>Deals</summary><ul>");
        for (Contact contact : contacts) {
            if (contact.uri() != null) {
                h.append("<li><a class=\"wz-contact\" target=\"_blank\" href=\"").append(esc(contact.uri()))
                        .append("\">Contact: ").append(esc(contact.name())).append("</a></li>");
            }
            for (Deal d : account.dealsOfContact(contact.id())) {
                if (!d.responsibleUserId().equals(s.userId())) {
                    continue; // only deals where the viewing user is responsible (§6.2)
                }
                h.append("<li><a class=\"wz-deal").append(d.closed() ? " closed" : "").append("\" data-deal-id=\"")
                        .append(esc(d.id())).append("\" data-name=\"").append(esc(d.name())).append("\" data-closed=\"")
                        .append(d.closed()).append("\" target=\"_blank\" href=\"").append(esc(d.uri() == null ? "#" : d.uri()))
                        .append("\">").append(esc(d.name())).append(d.closed() ? " (closed)" : "").append("</a></li>");
            }
        }
        h.append("<li><form method=\"post\" action=\"").append(P).append("/chat/").append(esc(s.token()))
                .append("/plus\" id=\"wz-plus-form\"><input type=\"hidden\" name=\"chat\" value=\"").append(esc(key(chat)))
                .append("\"><button type=\"submit\" id=\"wz-plus\" data-chat-type=\"").append(esc(chat.chatType()))
                .append("\" data-chat-id=\"").append(esc(chat.chatId())).append("\" data-channel-id=\"")
                .append(esc(String.valueOf(chat.channelId()))).append("\">+ New deal</button></form></li>");
        h.append("</ul></details></div><div class=\"msgs\" id=\"wz-messages\">");
        for (ChatMessage m : chat.messages()) {
            h.append(message(account, m));
        }
        h.append("</div><form class=\"reply\" method=\"post\" action=\"").append(P).append("/chat/")
                .append(esc(s.token())).append("/reply\"><input type=\"hidden\" name=\"chat\" value=\"")
                .append(esc(key(chat))).append("\"><input type=\"text\" name=\"text\" id=\"wz-text\" "
                        + "placeholder=\"Reply\" required><button type=\"submit\" id=\"wz-send\">Send</button></form>");
        return h.toString();
    }

    /**
     * One message: its text or file, for a WABA template the template's name and values, a quote, the
     * time, status (with the error), author, "API" for sends through {@code POST /v3/message}, and the
     * marks of an edit or a delete.
     */
    private static String message(Account account, ChatMessage m) {
        StringBuilder h = new StringBuilder();
        h.append("<div class=\"msg").append(m.echo() ? " out" : "").append(m.deleted() ? " deleted" : "")
                .append("\" data-message-id=\"").append(esc(m.messageId())).append("\" data-status=\"")
                .append(esc(m.status())).append("\"");
        if (m.crmMessageId() != null) {
            h.append(" data-crm-message-id=\"").append(esc(m.crmMessageId())).append("\"");
        }
        h.append(">");
        if (m.refMessageId() != null) {
            String quoted = account.message(m.refMessageId()).map(q -> q.text() != null ? q.text() : "[" + q.type() + "]")
                    .orElse("");
            h.append("<div class=\"quote\">").append(esc(quoted)).append("</div>");
        }
        if (m.deleted()) {
            h.append("<span class=\"wz-deleted\">Message deleted</span> ");
        }
        if (m.templateId() != null) {
            String name = account.templates().stream().filter(t -> t.templateGuid().equals(m.templateId()))
                    .map(t -> t.name()).findFirst().orElse(m.templateId());
            h.append("<div class=\"wz-template\" data-template-id=\"").append(esc(m.templateId())).append("\">template <b>")
                    .append(esc(name)).append("</b>");
            if (m.templateValues() != null && !m.templateValues().isEmpty()) {
                h.append(" · ").append(esc(String.join("; ", m.templateValues())));
            }
            h.append("</div>");
        }
        if (m.text() != null) {
            h.append("<span class=\"wz-text\">").append(esc(m.text())).append("</span>");
        }
        if (m.contentUri() != null) {
            h.append(" <a class=\"wz-file\" href=\"").append(esc(m.contentUri())).append("\">[").append(esc(m.type()))
                    .append("]</a>");
        }
        if (m.buttons()) {
            h.append(" <span class=\"wz-buttons\">[buttons]</span>");
        }
        h.append("<div class=\"meta\">").append(esc(TIME.format(m.dateTime()))).append(" · <span class=\"wz-status\">")
                .append(esc(m.status())).append("</span>");
        if (m.error() != null) {
            h.append(" <span class=\"wz-error\">").append(esc(m.error().error())).append(": ")
                    .append(esc(m.error().description())).append("</span>");
        }
        String author = m.authorName() != null ? m.authorName() : m.authorId();
        if (author != null) {
            h.append(" · <span class=\"wz-author\">").append(esc(author)).append("</span>");
        }
        if (m.viaApi()) {
            h.append(" · API");
        }
        if (m.edited()) {
            h.append(" · <span class=\"wz-edited\">edited</span>");
        }
        return h.append("</div></div>").toString();
    }

    /** With {@code useDealsEvents}, "+" and deal clicks post to the parent window instead (§6.3). */
    private static String script(IframeSession s) {
        if (!s.useDealsEvents()) {
            return "";
        }
        return """
                <script>
                (function () {
                  var userId = document.getElementById('wz-user').dataset.userId;
                  function base(el) {
                    return { chatType: el.dataset.chatType, chatId: el.dataset.chatId,
                             channelId: el.dataset.channelId, userId: userId, integrationId: 'emulator' };
                  }
                  var plus = document.getElementById('wz-plus');
                  if (plus) {
                    plus.addEventListener('click', function (e) {
                      e.preventDefault();
                      window.parent.postMessage({ type: 'WZ_CREATE_ENTITY', data: base(plus) }, '*');
                    });
                  }
                  document.querySelectorAll('a.wz-deal').forEach(function (a) {
                    a.addEventListener('click', function (e) {
                      e.preventDefault();
                      var data = base(plus);
                      data.entity = { id: a.dataset.dealId, name: a.dataset.name, link: a.getAttribute('href'),
                                      closed: a.dataset.closed === 'true', responsibleUserName: document.getElementById('wz-user').textContent };
                      window.parent.postMessage({ type: 'WZ_OPEN_ENTITY', data: data }, '*');
                    });
                  });
                })();
                </script>""";
    }

    private List<Chat> chats(IframeSession s, Account account) {
        if (s.scope().equals("global")) {
            return account.visibleChats(s.userId());
        }
        List<Chat> out = new ArrayList<>();
        for (ContactData d : s.filter()) {
            String id = firstNonNull(d.chatId(), d.username(), d.phone());
            account.chat(d.chatType(), id).ifPresent(out::add);
        }
        return out;
    }

    private Resp reply(Req req) {
        IframeSession s = session(req);
        Account account = emulator.account(s.accountId()).orElseThrow(() -> ApiError.notFound("Account"));
        String chat = first(req, "chat");
        String text = first(req, "text");
        String[] parts = split(chat);
        if (text != null && !text.isBlank()) {
            account.managerReplies(s.userId(), parts[0], parts[1], text);
        }
        return Resp.redirect(P + "/chat/" + s.token() + "?chat=" + url(chat));
    }

    private Resp plus(Req req) {
        IframeSession s = session(req);
        Account account = emulator.account(s.accountId()).orElseThrow(() -> ApiError.notFound("Account"));
        String chat = first(req, "chat");
        String[] parts = split(chat);
        Simulation result = account.dealsDropdownPlus(s.userId(), parts[0], parts[1]);
        String note = result.deliveries().isEmpty() ? "Deal creation is not subscribed"
                : result.deliveries().stream().map(d -> d.kind() + ": " + d.outcome()).reduce((a, b) -> a + "; " + b).orElse("");
        return Resp.redirect(P + "/chat/" + s.token() + "?chat=" + url(chat) + "&note=" + url(note));
    }

    private IframeSession session(Req req) {
        return emulator.iframeSession(req.param("token")).orElseThrow(() -> ApiError.of(404, "NOT_FOUND",
                "This chat window link is unknown or has expired"));
    }

    private static long waiting(Chat c) {
        long n = 0;
        for (int i = c.messages().size() - 1; i >= 0 && !c.messages().get(i).echo(); i--) {
            n++;
        }
        return n;
    }

    // ---- marketplace (§9)

    private Resp marketplace(Req req) {
        String accountId = Optional.ofNullable(req.queryParam("accountId"))
                .orElse(emulator.accounts().isEmpty() ? "" : emulator.accounts().get(0).id());
        StringBuilder h = page("Wazzup marketplace");
        h.append("<header><b>Wazzup</b> marketplace</header><main><h1>Integrations</h1>");
        h.append("<form method=\"get\"><label>Your Wazzup account: <select name=\"accountId\" id=\"wz-account\" "
                + "onchange=\"this.form.submit()\">");
        for (Account a : emulator.accounts()) {
            h.append("<option").append(a.id().equals(accountId) ? " selected" : "").append(">").append(esc(a.id()))
                    .append("</option>");
        }
        h.append("</select></label></form>");
        if (emulator.marketplace().integrations().isEmpty()) {
            h.append("<p>No integration is registered yet (POST /v3/marketplace).</p>");
        }
        for (Marketplace.Integration i : emulator.marketplace().integrations()) {
            h.append("<form method=\"get\" action=\"").append(P).append("/marketplace/connect\" class=\"integration\">")
                    .append("<h2>").append(esc(i.crmCode())).append("</h2>")
                    .append("<input type=\"hidden\" name=\"crmCode\" value=\"").append(esc(i.crmCode())).append("\">")
                    .append("<input type=\"hidden\" name=\"accountId\" value=\"").append(esc(accountId)).append("\">");
            if (i.authRedirectUri().isEmpty()) {
                h.append("<label>Your CRM link: <input type=\"url\" name=\"crmUrl\" required></label> ");
            }
            h.append("<button type=\"submit\" id=\"wz-connect-").append(esc(i.crmCode())).append("\">Connect</button></form>");
        }
        return Resp.html(200, h.append("</main></body></html>").toString());
    }

    private Resp connect(Req req) {
        String crmCode = req.queryParam("crmCode");
        String accountId = req.queryParam("accountId");
        Marketplace.Integration i = emulator.marketplace().integration(crmCode)
                .orElseThrow(() -> ApiError.notFound("Integration"));
        emulator.account(accountId).orElseThrow(() -> ApiError.notFound("Account"));
        String target = i.authRedirectUri().isEmpty() ? req.queryParam("crmUrl") : i.authRedirectUri();
        if (target == null || !RestApi.validWebhookUri(target)) {
            throw ApiError.of(400, "VALIDATION_ERROR", "A CRM link is required");
        }
        String state = emulator.marketplace().newState(crmCode, accountId);
        return Resp.found(target + (target.contains("?") ? "&" : "?") + "state=" + url(state));
    }

    // ---- helpers

    private static StringBuilder page(String title) {
        return new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>").append(esc(title))
                .append("</title>").append(STYLE).append("</head><body>");
    }

    /** A chat is shown under its CRM contact's name when Wazzup knows one. */
    private static String label(Account account, Chat c) {
        return account.contactsOfChat(c.chatType(), c.chatId()).stream().map(Contact::name).findFirst().orElse(c.name());
    }

    private static String key(Chat c) {
        return c.chatType() + ":" + c.chatId();
    }

    private static String[] split(String key) {
        int colon = key == null ? -1 : key.indexOf(':');
        if (colon < 0) {
            throw ApiError.of(400, "BAD_REQUEST", "chat must be <chatType>:<chatId>");
        }
        return new String[] {key.substring(0, colon), key.substring(colon + 1)};
    }

    private static String first(Req req, String field) {
        List<String> v = req.form().get(field);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static String firstNonNull(String... values) {
        for (String v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    static String url(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
