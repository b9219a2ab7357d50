package dev.crmbridge.wazzup.internal.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crmbridge.wazzup.internal.client.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wazzup's webhooks (§8): {@code POST <path>/<secret>}. Checks the URL secret and, once a crmKey is
 * set (WAuth), {@code Authorization: Bearer <crmKey>} (constant-time; 401 otherwise); limits the body
 * (413); parses it (400 for broken JSON) and dispatches on its top-level keys: {@code test} → 200,
 * {@code createContact}/{@code createDeal} → the created entity, notifications → stored durably,
 * then 200; unknown keys → 200. Neither secret is ever logged.
 */
final class WebhookServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(WebhookServlet.class);

    static final String JSON = "application/json";

    private final transient byte[] secret;
    private final transient byte[] bearer;
    private final int maxBody;
    private final transient Inbox inbox;
    private final transient Creations creations;

    /** @param crmKey the key Wazzup sends as {@code Authorization: Bearer}, or null/empty when none */
    WebhookServlet(String secret, String crmKey, int maxBody, Inbox inbox, Creations creations) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.bearer = crmKey == null || crmKey.isBlank() ? null : ("Bearer " + crmKey.trim()).getBytes(StandardCharsets.UTF_8);
        this.maxBody = maxBody;
        this.inbox = inbox;
        this.creations = creations;
    }

    /** How much of an unauthorised request's body is read to keep the connection usable. */
    private static final long UNAUTHORIZED_SWALLOW = 64 * 1024;
    /** How much beyond the limit an oversized body is read to keep the connection usable. */
    private static final long TOO_LARGE_SWALLOW = 4L * 1024 * 1024;

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!authorized(req)) {
            // no detail: a caller without the secret learns nothing
            refuse(req, resp, UNAUTHORIZED_SWALLOW, 401, Map.of("error", "UNAUTHORIZED"));
            return;
        }
        if (req.getContentLengthLong() > maxBody) {
            refuse(req, resp, maxBody + TOO_LARGE_SWALLOW, 413, Map.of("error", "TOO_LARGE", "description", "the body exceeds " + maxBody + " bytes"));
            return;
        }
        byte[] body = read(req.getInputStream());
        if (body == null) {
            refuse(req, resp, TOO_LARGE_SWALLOW, 413, Map.of("error", "TOO_LARGE", "description", "the body exceeds " + maxBody + " bytes"));
            return;
        }
        JsonNode json;
        try {
            json = Json.mapper().readTree(body);
        } catch (IOException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            answer(resp, 400, Map.of("error", "INVALID_JSON", "description", "the body is not a JSON object"));
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
        List<String[]> items = Notifications.split(json);
        if (!items.isEmpty()) {
            try {
                inbox.store(items);
            } catch (IllegalStateException e) {
                LOG.warn("Wazzup webhooks: {} notifications not stored: {}; Wazzup gets 503", items.size(), e.getMessage());
                answer(resp, 503, Map.of("error", "UNAVAILABLE", "description", "try again"));
                return;
            }
        } else if (!json.has("test")) {
            LOG.debug("Wazzup webhooks: a body with unknown keys {} was accepted and ignored", fieldNames(json));
        }
        answer(resp, 200, Map.of("ok", true));
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("Allow", "POST");
        answer(resp, 405, Map.of("error", "METHOD_NOT_ALLOWED", "description", "Wazzup posts webhooks here"));
    }

    private boolean authorized(HttpServletRequest req) {
        String path = req.getPathInfo();
        byte[] given = (path == null ? "" : path.startsWith("/") ? path.substring(1) : path).getBytes(StandardCharsets.UTF_8);
        boolean ok = MessageDigest.isEqual(given, secret);
        if (bearer != null) {
            String auth = req.getHeader("Authorization");
            ok &= MessageDigest.isEqual(auth == null ? new byte[0] : auth.trim().getBytes(StandardCharsets.UTF_8), bearer);
        }
        return ok;
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
        answer(resp, a.status(), a.body());
    }

    /**
     * Refuses a request whose body was not (fully) read. The rest of the body, up to {@code allowance}
     * bytes, is read and dropped so that the connection can serve the client's next request (as Tomcat's
     * "swallow" does); a longer one is not read and the answer says the connection ends with it: Jetty
     * closes such a connection, and a client that reused it would lose its next request.
     */
    private static void refuse(HttpServletRequest req, HttpServletResponse resp, long allowance, int status, Object body)
            throws IOException {
        long length = req.getContentLengthLong();
        boolean consumed = false;
        if (length <= allowance) {
            try {
                InputStream in = req.getInputStream();
                byte[] buf = new byte[8192];
                long total = 0;
                for (int n; total <= allowance && (n = in.read(buf)) >= 0; ) {
                    total += n;
                }
                consumed = total <= allowance;
            } catch (IOException e) {
                consumed = false;
            }
        }
        if (!consumed) {
            resp.setHeader("Connection", "close");
        }
        answer(resp, status, body);
    }

    private static void answer(HttpServletResponse resp, int status, Object body) throws IOException {
        byte[] bytes = Json.bytes(body);
        resp.setStatus(status);
        resp.setContentType(JSON);
        resp.setCharacterEncoding("UTF-8");
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }

    private static List<String> fieldNames(JsonNode json) {
        List<String> out = new java.util.ArrayList<>();
        json.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
