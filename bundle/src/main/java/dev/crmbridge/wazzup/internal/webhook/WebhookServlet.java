package dev.crmbridge.wazzup.internal.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crmbridge.wazzup.internal.client.Json;
import dev.crmbridge.wazzup.internal.store.InboxItem;
import dev.crmbridge.wazzup.internal.web.Answers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wazzup's webhooks (§8): {@code POST <path>/<secret>}. Checks the URL secret and, with a crmKey set
 * by WAuth, {@code Authorization: Bearer <crmKey>} as {@link CrmKeyGate} says (constant-time; 401
 * otherwise); limits the body
 * (413); parses it (400 for broken JSON) and dispatches on its top-level keys: {@code test} → 200,
 * {@code createContact}/{@code createDeal} → the created entity, notifications → stored durably,
 * then 200 (items that can never become events are stored as set aside, and the others go on);
 * unknown keys → 200. Neither secret is ever logged.
 */
final class WebhookServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(WebhookServlet.class);

    /** How much of an unauthorised request's body is read to keep the connection usable. */
    private static final long UNAUTHORIZED_SWALLOW = 64 * 1024;
    /** How much beyond the limit an oversized body is read to keep the connection usable. */
    private static final long TOO_LARGE_SWALLOW = 4L * 1024 * 1024;
    /** The answer to every accepted delivery. */
    private static final byte[] OK = Json.bytes(Map.of("ok", true));

    private final transient byte[] secret;
    private final transient CrmKeyGate crmKey;
    private final int maxBody;
    private final transient Inbox inbox;
    private final transient Creations creations;

    WebhookServlet(String secret, CrmKeyGate crmKey, int maxBody, Inbox inbox, Creations creations) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.crmKey = crmKey;
        this.maxBody = maxBody;
        this.inbox = inbox;
        this.creations = creations;
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!authorized(req)) {
            // no detail: a caller without the secret learns nothing
            Answers.swallow(req, resp, UNAUTHORIZED_SWALLOW);
            Answers.json(resp, 401, Map.of("error", "UNAUTHORIZED"));
            return;
        }
        if (req.getContentLengthLong() > maxBody) {
            Answers.swallow(req, resp, maxBody + TOO_LARGE_SWALLOW);
            tooLarge(resp);
            return;
        }
        byte[] body = read(req.getInputStream());
        if (body == null) {
            Answers.swallow(req, resp, TOO_LARGE_SWALLOW);
            tooLarge(resp);
            return;
        }
        JsonNode json;
        try {
            json = Json.mapper().readTree(body);
        } catch (IOException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            Answers.error(resp, 400, "INVALID_JSON", "description", "the body is not a JSON object");
            return;
        }
        if (json.has("createContact")) {
            reply(resp, creations.createContact(json.get("createContact")));
            return;
        }
        if (json.has("createDeal")) {
            reply(resp, creations.createDeal(json.get("createDeal")));
            return;
        }
        List<InboxItem> items = Notifications.split(json);
        if (!items.isEmpty()) {
            try {
                inbox.store(items);
            } catch (IllegalStateException e) {
                LOG.warn("Wazzup webhooks: {} notifications not stored: {}; Wazzup gets 503", items.size(), e.getMessage());
                Answers.error(resp, 503, "UNAVAILABLE", "description", "try again");
                return;
            }
            long bad = items.stream().filter(i -> i.reason() != null).count();
            if (bad > 0) {
                LOG.warn("Wazzup webhooks: {} of {} notifications in a delivery can never become events and were set"
                        + " aside (SyncStatus.setAsideNotifications()); the others go on", bad, items.size());
            }
        } else if (!json.has("test")) {
            LOG.debug("Wazzup webhooks: a body with unknown keys {} was accepted and ignored", fieldNames(json));
        }
        Answers.json(resp, 200, OK);
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("Allow", "POST");
        Answers.error(resp, 405, "METHOD_NOT_ALLOWED", "description", "Wazzup posts webhooks here");
    }

    private void tooLarge(HttpServletResponse resp) throws IOException {
        Answers.error(resp, 413, "TOO_LARGE", "description", "the body exceeds " + maxBody + " bytes");
    }

    private boolean authorized(HttpServletRequest req) {
        String path = req.getPathInfo();
        byte[] given = (path == null ? "" : path.startsWith("/") ? path.substring(1) : path).getBytes(StandardCharsets.UTF_8);
        // the crmKey is looked at only behind the right secret: a stranger cannot make it required
        return MessageDigest.isEqual(given, secret) && crmKey.admits(req.getHeader("Authorization"));
    }

    /** The body, or null when it is over the limit (a chunked body has no Content-Length). */
    private byte[] read(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int total = 0;
        for (int n; (n = in.read(buf)) > 0; ) {
            total += n;
            if (total > maxBody) {
                return null;
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private static void reply(HttpServletResponse resp, Creations.Answer a) throws IOException {
        Answers.json(resp, a.status(), a.body());
    }

    private static List<String> fieldNames(JsonNode json) {
        List<String> out = new ArrayList<>();
        json.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
