package dev.crmbridge.wazzup.internal.wauth;

import dev.crmbridge.wazzup.internal.util.Digests;
import dev.crmbridge.wazzup.internal.web.Answers;
import dev.crmbridge.wazzup.internal.web.Html;
import dev.crmbridge.wazzup.internal.web.SignedIn;
import dev.crmbridge.wazzup.api.spi.CrmSession;
import dev.crmbridge.wazzup.api.spi.SessionUser;
import dev.crmbridge.wazzup.internal.client.ForbiddenException;
import dev.crmbridge.wazzup.internal.client.InvalidDataException;
import dev.crmbridge.wazzup.internal.client.NotFoundException;
import dev.crmbridge.wazzup.internal.client.UnauthorizedException;
import dev.crmbridge.wazzup.internal.client.WazzupException;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WAuth's confirmation page (§9), at the integration's {@code authRedirectUri}. Wazzup redirects the
 * administrator here with a signed {@code state}; a signed-in CRM administrator confirms; the
 * connector calls {@code POST /v3/connect/} with the state, the integration's secret and a fresh
 * crmKey, and stores the account's API key and the crmKey in the configuration, which restarts the
 * connector with them (webhooks subscribed, initial sync).
 *
 * <p>The confirmation is a POST carrying a one-time token bound to the user and the state (a forged
 * cross-site form has no token). A state is tried once: after any answer from Wazzup it is spent here
 * too. Pages never show the key, the crmKey or the secret, and neither do log lines.
 *
 * <p>A state is not bound to this installation: anyone can make one for an account of their own. So
 * when an account is connected already, the page says that confirming replaces it and sends the CRM's
 * data to the new account, and asks for a second, explicit confirmation (a box to tick, checked again
 * here). After connecting, the page shows the account's channels, and after a replacement it offers to
 * undo it: the replaced key is kept for 24 hours.
 */
final class WAuthServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(WAuthServlet.class);
    private static final long TOKEN_MILLIS = 15 * 60_000L;
    /** The undo form after a replacing connection works as long as the replaced key is kept. */
    private static final long UNDO_MILLIS = 24 * 3600_000L;
    private static final int MAX_STATE = 4096;

    /** A token of a page: for the confirmation, or for the undo after a replacement (never the other). */
    private record Pending(String userId, String stateHash, long expires, boolean undo) {
    }

    private final transient Supplier<CrmSession> session;
    private final transient WAuth.Connector connector;
    private final String crmCode;
    private final boolean enabled;
    private final String path;
    private final transient Clock clock;
    private final transient SecureRandom random = new SecureRandom();
    /**
     * The tokens of every page of the bundle: shared by the servlets of successive runtimes, so that the
     * undo offered after a connection still works once the configuration change restarted the connector.
     */
    private static final Map<String, Pending> TOKENS = new ConcurrentHashMap<>();
    private final transient Map<String, Pending> tokens = TOKENS;
    private final transient Set<String> spent = ConcurrentHashMap.newKeySet();

    WAuthServlet(Supplier<CrmSession> session, WAuth.Connector connector, String crmCode, boolean enabled, String path, Clock clock) {
        this.session = session;
        this.connector = connector;
        this.crmCode = crmCode;
        this.enabled = enabled;
        this.path = path;
        this.clock = clock;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String state = req.getParameter("state");
        Optional<SessionUser> user = admin(req, resp, state);
        if (user.isEmpty()) {
            return;
        }
        if (spent.contains(hash(state))) {
            page(resp, 400, "This link was already used", "<p>Each connection link works once. Start again from the "
                    + "Wazzup marketplace: open the integration and click <b>Connect</b>.</p>");
            return;
        }
        confirmation(resp, 200, "", state, user.get());
    }

    /** The confirmation form; with an account connected already, the warning and the second confirmation. */
    private void confirmation(HttpServletResponse resp, int status, String before, String state, SessionUser user)
            throws IOException {
        String token = issue(user, state, TOKEN_MILLIS, false);
        boolean replacing = connected();
        String warning = !replacing ? "" : "<div id=\"wazzup-connect-replaces\" style=\"border:2px solid #c0392b;"
                + "border-radius:6px;padding:8px 14px;margin:12px 0;background:#fdecea\"><p><b>A Wazzup account is "
                + "already connected to this CRM.</b> Confirming replaces that connection: from then on the CRM's users, "
                + "contacts with their phone numbers, and deals are sent to the account of this link, and that account "
                + "can create contacts and deals in the CRM.</p><p>Continue only if you started this connection yourself "
                + "from the Wazzup marketplace, for your company's own account. The current connection can be restored "
                + "within 24 hours.</p><label><input type=\"checkbox\" name=\"replace\" value=\"yes\" required "
                + "id=\"wazzup-connect-replace\"> Yes, replace the connected Wazzup account</label></div>";
        page(resp, status, "Connect Wazzup", before + "<p>Wazzup asks to connect its account to this CRM through the "
                + "integration <b>" + Html.escape(crmCode) + "</b>.</p><p>Once connected, the CRM's users, contacts and "
                + "deals are sent to Wazzup, managers get chat buttons, and Wazzup's messages reach the CRM. You are "
                + "signed in as <b>" + Html.escape(user.name()) + "</b>.</p><form method=\"post\" action=\""
                + Html.escape(path) + "\">" + warning
                + "<input type=\"hidden\" name=\"state\" value=\"" + Html.escape(state) + "\">"
                + "<input type=\"hidden\" name=\"token\" value=\"" + Html.escape(token) + "\">"
                + "<button type=\"submit\" id=\"wazzup-connect-confirm\">" + (replacing ? "Replace the connection"
                : "Connect") + "</button></form>");
    }

    private String issue(SessionUser user, String state, long millis, boolean undo) {
        String token = token();
        long now = clock.millis();
        tokens.values().removeIf(p -> p.expires() < now);
        tokens.put(token, new Pending(user.id(), hash(state), now + millis, undo));
        return token;
    }

    private boolean connected() {
        try {
            return connector.connected();
        } catch (RuntimeException e) {
            return true; // when in doubt, warn
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        // who is asking, from the session (a cookie), before the form body is read: a refused POST is not waited for
        SignedIn.Outcome in = SignedIn.of(session, req, "WAuth");
        if (!enabled || !in.present() || !in.user().administrator()) {
            Answers.refuse(req, resp);
            refusedPost(resp, in);
            return;
        }
        req.setCharacterEncoding("UTF-8");
        String state = req.getParameter("state");
        Optional<SessionUser> user = admin(req, resp, state);
        if (user.isEmpty()) {
            return;
        }
        if ("undo".equals(req.getParameter("action"))) {
            undo(req, resp, state, user.get());
            return;
        }
        boolean replacing = connected();
        if (replacing && !"yes".equals(req.getParameter("replace"))) {
            // the token stays unused: the form comes again, asking for the second confirmation
            confirmation(resp, 400, "<p id=\"wazzup-connect-unconfirmed\"><b>Nothing was changed.</b> Tick the box to "
                    + "confirm that this link replaces the connected account.</p>", state, user.get());
            return;
        }
        Pending pending = tokens.remove(String.valueOf(req.getParameter("token")));
        if (pending == null || pending.undo() || pending.expires() < clock.millis() || !pending.userId().equals(user.get().id())
                || !pending.stateHash().equals(hash(state))) {
            page(resp, 400, "Please confirm again", "<p>This confirmation is not valid (it expired, was used, or did "
                    + "not come from this page). Open the link from Wazzup again and click <b>Connect</b>.</p>");
            return;
        }
        if (!spent.add(hash(state))) {
            page(resp, 400, "This link was already used", "<p>Each connection link works once. Start again from the "
                    + "Wazzup marketplace.</p>");
            return;
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String crmKey = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String apiKey;
        try {
            apiKey = connector.connect(state, crmKey);
        } catch (InvalidDataException e) {
            String code = e.errorCode() == null ? "" : e.errorCode();
            LOG.warn("Wazzup WAuth: Wazzup refused the connection ({}); nothing was stored", code);
            if (code.contains("SECRET")) {
                page(resp, 502, "Wazzup refused this CRM", "<p>Wazzup did not accept this CRM's WAuth secret. An "
                        + "administrator must check the <b>WAuth: secret</b> setting against the integration registered "
                        + "in Wazzup, then connect again from the marketplace.</p>");
            } else if (code.contains("USED")) {
                page(resp, 400, "This link was already used", "<p>Wazzup says this connection link was already used. "
                        + "Start again from the Wazzup marketplace.</p>");
            } else {
                page(resp, 400, "This link is not valid", "<p>Wazzup did not accept this connection link (" + Html.escape(code)
                        + "): it may have expired or been altered. Start again from the Wazzup marketplace.</p>");
            }
            return;
        } catch (UnauthorizedException | ForbiddenException | NotFoundException e) {
            LOG.warn("Wazzup WAuth: Wazzup refused the connection (HTTP {}); nothing was stored", e.status());
            page(resp, 502, "Wazzup refused this CRM", "<p>Wazzup refused the connection request (HTTP " + e.status()
                    + "). An administrator must check the <b>WAuth: CRM code</b> and <b>WAuth: secret</b> settings "
                    + "against the integration registered in Wazzup, then connect again from the marketplace.</p>");
            return;
        } catch (WazzupException e) {
            spent.remove(hash(state)); // Wazzup did not answer: the link may still work
            LOG.warn("Wazzup WAuth: could not reach Wazzup to connect: {}", e.getMessage());
            page(resp, 503, "Wazzup cannot be reached", "<p>Wazzup did not answer. Nothing was changed; go back and "
                    + "try again in a moment.</p>");
            return;
        }
        try {
            connector.store(apiKey, crmKey);
        } catch (IOException | RuntimeException e) {
            LOG.error("Wazzup WAuth: Wazzup connected the account but the configuration could not be stored ({}); "
                    + "connect again from the marketplace", e.getClass().getSimpleName());
            page(resp, 500, "Not saved", "<p>Wazzup accepted the connection but this CRM could not save it. Start "
                    + "again from the Wazzup marketplace.</p>");
            return;
        }
        LOG.info("Wazzup WAuth: {} connected a Wazzup account through integration {}{}", user.get().id(), crmCode,
                replacing ? ", replacing the one connected before (kept 24 h for undo)" : "");
        String undo = !replacing ? "" : "<form method=\"post\" action=\"" + Html.escape(path) + "\">"
                + "<input type=\"hidden\" name=\"action\" value=\"undo\">"
                + "<input type=\"hidden\" name=\"state\" value=\"" + Html.escape(state) + "\">"
                + "<input type=\"hidden\" name=\"token\" value=\"" + Html.escape(issue(user.get(), state,
                        UNDO_MILLIS, true)) + "\"><p>This replaced the account connected before. Not what you wanted? "
                + "<button type=\"submit\" id=\"wazzup-connect-undo\">Undo: connect the previous account again"
                + "</button> (possible for 24 hours)</p></form>";
        page(resp, 200, "Connected", "<p id=\"wazzup-connected\">Wazzup is connected. The CRM's users, contacts and "
                + "deals are being sent to it now; managers will see the chat buttons.</p>" + account(apiKey) + undo
                + "<p><a href=\"/\">Back to the CRM</a></p>");
    }

    /** Which account it is, by its channels, so that the administrator can tell it is the right one. */
    private String account(String apiKey) {
        List<String> channels;
        try {
            channels = connector.channels(apiKey);
        } catch (RuntimeException e) {
            LOG.warn("Wazzup WAuth: the connected account's channels could not be read ({})", e.getClass().getSimpleName());
            return "<p id=\"wazzup-connected-account\">The account's channels could not be read just now.</p>";
        }
        if (channels.isEmpty()) {
            return "<p id=\"wazzup-connected-account\">The connected account has no channels yet.</p>";
        }
        StringBuilder out = new StringBuilder("<div id=\"wazzup-connected-account\"><p>The connected account's channels:"
                + "</p><ul>");
        channels.stream().limit(50).forEach(c -> out.append("<li>").append(Html.escape(c)).append("</li>"));
        return out.append("</ul></div>").toString();
    }

    private void undo(HttpServletRequest req, HttpServletResponse resp, String state, SessionUser user) throws IOException {
        Pending pending = tokens.remove(String.valueOf(req.getParameter("token")));
        if (pending == null || !pending.undo() || pending.expires() < clock.millis() || !pending.userId().equals(user.id())
                || !pending.stateHash().equals(hash(state))) {
            page(resp, 400, "Please confirm again", "<p>This undo is not valid (it expired, was used, or did not come "
                    + "from the page that confirmed the connection). An administrator can set the previous API key in the "
                    + "connector's configuration.</p>");
            return;
        }
        boolean undone;
        try {
            undone = connector.undo();
        } catch (IOException | RuntimeException e) {
            LOG.error("Wazzup WAuth: the previous connection could not be restored ({})", e.getClass().getSimpleName());
            page(resp, 500, "Not restored", "<p>The previous connection could not be restored. Try again, or set the "
                    + "previous API key in the connector's configuration.</p>");
            return;
        }
        if (!undone) {
            page(resp, 410, "Nothing to undo", "<p>There is no previous connection to restore: it was restored already, "
                    + "or more than 24 hours have passed.</p>");
            return;
        }
        LOG.info("Wazzup WAuth: {} undid the last connection; the previous Wazzup account is connected again", user.id());
        page(resp, 200, "Previous connection restored", "<p id=\"wazzup-connect-undone\">The Wazzup account connected "
                + "before is connected again; the CRM syncs with it from now on.</p><p><a href=\"/\">Back to the CRM</a></p>");
    }

    /** The answer to a POST of someone who may not confirm, written without reading its body. */
    private void refusedPost(HttpServletResponse resp, SignedIn.Outcome in) throws IOException {
        if (!enabled) {
            page(resp, 503, "Connecting by button is off", "<p>This CRM has no WAuth <b>CRM code</b> and <b>secret</b> "
                    + "configured. An administrator sets them in the Wazzup connector's configuration.</p>");
        } else if (in.missing() == SignedIn.Missing.NO_SESSION_SERVICE) {
            page(resp, 503, "Not ready", "<p>The CRM has not told the Wazzup connector who is signed in.</p>");
        } else if (in.missing() == SignedIn.Missing.SESSION_FAILED) {
            page(resp, 500, "Not ready", "<p>The CRM could not tell who is signed in.</p>");
        } else if (!in.present()) {
            page(resp, 401, "Sign in first", "<p>Sign in to the CRM as an administrator, then open the link from "
                    + "Wazzup again.</p>");
        } else {
            page(resp, 403, "Administrators only", "<p>Only a CRM administrator may connect Wazzup. You are signed in "
                    + "as " + Html.escape(in.user().name()) + ".</p>");
        }
    }

    /** The signed-in administrator, or an answer already written (setup, sign-in, permission, state). */
    private Optional<SessionUser> admin(HttpServletRequest req, HttpServletResponse resp, String state) throws IOException {
        if (!enabled) {
            page(resp, 503, "Connecting by button is off", "<p>This CRM has no WAuth <b>CRM code</b> and <b>secret</b> "
                    + "configured. An administrator sets them in the Wazzup connector's configuration.</p>");
            return Optional.empty();
        }
        if (state == null || state.isBlank() || state.length() > MAX_STATE) {
            page(resp, 400, "No connection link", "<p>This page is opened by Wazzup's marketplace with a connection "
                    + "link. Start from the marketplace: open the integration and click <b>Connect</b>.</p>");
            return Optional.empty();
        }
        SignedIn.Outcome in = SignedIn.of(session, req, "WAuth");
        if (in.missing() == SignedIn.Missing.NO_SESSION_SERVICE) {
            page(resp, 503, "Not ready", "<p>The CRM has not told the Wazzup connector who is signed in.</p>");
            return Optional.empty();
        }
        if (in.missing() == SignedIn.Missing.SESSION_FAILED) {
            page(resp, 500, "Not ready", "<p>The CRM could not tell who is signed in.</p>");
            return Optional.empty();
        }
        if (in.missing() == SignedIn.Missing.NOBODY) {
            String back = path + "?state=" + URLEncoder.encode(state, StandardCharsets.UTF_8);
            Optional<String> signIn = Optional.empty();
            try {
                signIn = in.session().signInUrl(req, back);
            } catch (RuntimeException e) {
                LOG.warn("Wazzup WAuth: the CRM's session service failed", e);
            }
            if (signIn.isPresent() && "GET".equals(req.getMethod())) {
                resp.sendRedirect(signIn.get());
            } else {
                page(resp, 401, "Sign in first", "<p>Sign in to the CRM as an administrator, then open the link from "
                        + "Wazzup again.</p>");
            }
            return Optional.empty();
        }
        Optional<SessionUser> user = Optional.of(in.user());
        if (!user.get().administrator()) {
            page(resp, 403, "Administrators only", "<p>Only a CRM administrator may connect Wazzup. You are signed in "
                    + "as " + Html.escape(user.get().name()) + ".</p>");
            return Optional.empty();
        }
        return user;
    }

    private String token() {
        byte[] b = new byte[24];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String hash(String state) {
        return Digests.sha256Hex(String.valueOf(state));
    }

    private static void page(HttpServletResponse resp, int status, String title, String body) throws IOException {
        Answers.page(resp, status, title, body);
    }
}
