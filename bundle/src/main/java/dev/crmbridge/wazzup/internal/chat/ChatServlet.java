package dev.crmbridge.wazzup.internal.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crmbridge.wazzup.api.chat.ChatWindowException;
import dev.crmbridge.wazzup.api.chat.Unanswered;
import dev.crmbridge.wazzup.api.model.CrmDeal;
import dev.crmbridge.wazzup.api.spi.CrmSession;
import dev.crmbridge.wazzup.api.spi.SessionUser;
import dev.crmbridge.wazzup.internal.client.Json;
import dev.crmbridge.wazzup.internal.web.Answers;
import dev.crmbridge.wazzup.internal.web.SignedIn;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * The chat buttons' endpoints, under the configured chat path:
 * <ul>
 * <li>{@code GET /window?scope=global}, {@code ?scope=card&contact=ID}, {@code ?scope=card&deal=ID}:
 * {@code {"url": …}} of Wazzup's chat window for the signed-in user;</li>
 * <li>{@code GET /counter}: the signed-in user's unanswered counter;</li>
 * <li>{@code GET /stream}: the same as Server-Sent Events ({@code event: counter}), each time it changes;
 * 404 {@code STREAM_OFF} when streaming is off, 429/503 {@code BUSY} over the stream limits (the page polls
 * {@code /counter} instead);</li>
 * <li>{@code POST /deal} {@code {"chatType","chatId"}} with header {@value #CSRF_HEADER}, and an
 * {@code Origin} (when the browser sends one) of this host: "+" in the Deals dropdown, when deal events
 * are on. Its body is read only after every check passed;</li>
 * <li>{@code GET /static/wazzup-chat.js}, {@code /static/chat.svg}: the web component and its icon.</li>
 * </ul>
 * The user is always {@link CrmSession}'s: a user id in the request is never read. No session → 401;
 * a card the user may not see → 403; errors are {@code {"error": CODE, "message": words for the user}}.
 */
final class ChatServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    static final String CSRF_HEADER = "X-Wazzup-Chat";
    private static final int MAX_BODY = 4096;

    private final transient ChatService chats;
    private final transient ChatDeals deals;
    private final transient Supplier<CrmSession> session;
    private final boolean dealEvents;
    private final transient LiveCounters live;

    /** @param live the counter streams, or null when streaming is off */
    ChatServlet(ChatService chats, ChatDeals deals, Supplier<CrmSession> session, boolean dealEvents, LiveCounters live) {
        this.chats = chats;
        this.live = live;
        this.deals = deals;
        this.session = session;
        this.dealEvents = dealEvents;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        switch (path) {
            case "/static/wazzup-chat.js" -> resource(resp, "wazzup-chat.js", "text/javascript; charset=utf-8");
            case "/static/chat.svg" -> resource(resp, "chat.svg", "image/svg+xml");
            case "/window" -> withUser(req, resp, (s, user) -> window(req, resp, s, user));
            case "/counter" -> withUser(req, resp, (s, user) -> counter(resp, user));
            case "/stream" -> withUser(req, resp, (s, user) -> stream(req, resp, user));
            default -> error(resp, 404, "NOT_FOUND", "No such chat endpoint");
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        // every check before the body: a refused request is not waited for (Answers.refuse)
        if (!path.equals("/deal")) {
            Answers.refuse(req, resp);
            error(resp, 404, "NOT_FOUND", "No such chat endpoint");
            return;
        }
        if (!Answers.sameOrigin(req)) {
            Answers.refuse(req, resp);
            error(resp, 403, "FORBIDDEN", "A page of another site may not create deals here");
            return;
        }
        // a custom header cannot be sent cross-site without a CORS preflight, which is never granted
        if (req.getHeader(CSRF_HEADER) == null) {
            Answers.refuse(req, resp);
            error(resp, 403, "FORBIDDEN", "Missing the " + CSRF_HEADER + " header");
            return;
        }
        SignedIn.Outcome in = SignedIn.of(session, req, "chat");
        if (!in.present()) {
            Answers.refuse(req, resp);
            refused(resp, in);
            return;
        }
        if (req.getContentLengthLong() > MAX_BODY) {
            Answers.refuse(req, resp);
            error(resp, 413, "TOO_LARGE", "The request is over " + MAX_BODY + " bytes");
            return;
        }
        byte[] bytes = Answers.body(req, MAX_BODY);
        if (bytes == null) {
            Answers.closeAfter(resp); // the rest stays unread
        }
        run(resp, in, (s, user) -> deal(bytes, resp, s, user));
    }

    private interface Handler {
        void handle(CrmSession session, SessionUser user) throws IOException;
    }

    private void withUser(HttpServletRequest req, HttpServletResponse resp, Handler handler) throws IOException {
        SignedIn.Outcome in = SignedIn.of(session, req, "chat");
        if (!in.present()) {
            refused(resp, in);
            return;
        }
        run(resp, in, handler);
    }

    private static void refused(HttpServletResponse resp, SignedIn.Outcome in) throws IOException {
        switch (in.missing()) {
            case NO_SESSION_SERVICE -> error(resp, 503, "NO_SESSION_SERVICE",
                    "The CRM has not told the Wazzup connector who is signed in");
            case SESSION_FAILED -> error(resp, 500, "SESSION_FAILED", "The CRM could not tell who is signed in");
            default -> error(resp, 401, "UNAUTHORIZED", "Sign in to the CRM first");
        }
    }

    private static void run(HttpServletResponse resp, SignedIn.Outcome in, Handler handler) throws IOException {
        try {
            handler.handle(in.session(), in.user());
        } catch (ChatWindowException e) {
            error(resp, e.reason().httpStatus(), e.reason().name(), e.getMessage());
        }
    }

    private void window(HttpServletRequest req, HttpServletResponse resp, CrmSession s, SessionUser user) throws IOException {
        String scope = req.getParameter("scope");
        String contact = req.getParameter("contact");
        String deal = req.getParameter("deal");
        URI url;
        if ("global".equals(scope)) {
            url = chats.global(user.id());
        } else if ("card".equals(scope) && contact != null && !contact.isBlank() && deal == null) {
            if (!s.maySeeContact(user, contact)) {
                error(resp, 403, "FORBIDDEN", "You may not see this contact");
                return;
            }
            url = chats.contact(user.id(), contact);
        } else if ("card".equals(scope) && deal != null && !deal.isBlank() && contact == null) {
            if (!s.maySeeDeal(user, deal)) {
                error(resp, 403, "FORBIDDEN", "You may not see this deal");
                return;
            }
            url = chats.deal(user.id(), deal);
        } else {
            error(resp, 400, "BAD_REQUEST", "Ask for scope=global, or scope=card with one contact or deal id");
            return;
        }
        json(resp, 200, Map.of("url", url.toString()));
    }

    private void counter(HttpServletResponse resp, SessionUser user) throws IOException {
        Unanswered u = chats.of(user.id());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("count", u.count());
        body.put("colour", u.colour().name().toLowerCase(java.util.Locale.ROOT));
        body.put("lastMessageAt", u.lastMessageAt() == null ? null : u.lastMessageAt().toString());
        body.put("asOf", u.asOf().toString());
        body.put("refreshing", chats.counterRefreshing(user.id(), u));
        if (live != null) {
            body.put("channel", live.channel(user.id())); // the user's tabs share one stream under this name
        }
        json(resp, 200, body);
    }

    private void stream(HttpServletRequest req, HttpServletResponse resp, SessionUser user) throws IOException {
        if (live == null) {
            error(resp, 404, "STREAM_OFF", "The live counter is off here: ask /counter");
            return;
        }
        LiveCounters.Refusal no = live.open(user.id(), req, resp);
        if (no == LiveCounters.Refusal.TOO_MANY_FOR_USER) {
            error(resp, 429, "BUSY", "Too many pages of yours are open with the live counter; this one polls");
        } else if (no == LiveCounters.Refusal.TOO_MANY) {
            error(resp, 503, "BUSY", "The live counter serves as many pages as it may; this one polls");
        } else if (no == LiveCounters.Refusal.NO_ASYNC) {
            // a filter of the host on this path is not asyncSupported: the page polls
            error(resp, 503, "STREAM_UNAVAILABLE", "This server cannot hold the live counter's stream; this page polls");
        }
    }

    private void deal(byte[] bytes, HttpServletResponse resp, CrmSession s, SessionUser user) throws IOException {
        if (!dealEvents) {
            error(resp, 409, "DEAL_EVENTS_OFF", "Deals are created by Wazzup's webhooks here, not by the page");
            return;
        }
        JsonNode body;
        try {
            body = bytes == null || !Json.depthWithin(bytes, Json.MAX_DEPTH) ? null : Json.mapper().readTree(bytes);
        } catch (IOException e) {
            body = null;
        }
        if (body == null || !body.isObject() || !body.path("chatType").isTextual() || !body.path("chatId").isTextual()) {
            error(resp, 400, "BAD_REQUEST", "Send {\"chatType\": …, \"chatId\": …}");
            return;
        }
        CrmDeal d = deals.create(user, s, body.get("chatType").asText(), body.get("chatId").asText());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", d.id());
        out.put("name", d.name());
        out.put("uri", d.uri());
        json(resp, 200, out);
    }

    private static void resource(HttpServletResponse resp, String name, String type) throws IOException {
        if (!Answers.resource(resp, ChatServlet.class, name, type)) {
            error(resp, 404, "NOT_FOUND", "No such file");
        }
    }

    private static void error(HttpServletResponse resp, int status, String code, String message) throws IOException {
        Answers.error(resp, status, code, "message", message);
    }

    private static void json(HttpServletResponse resp, int status, Object body) throws IOException {
        Answers.json(resp, status, body);
    }
}
