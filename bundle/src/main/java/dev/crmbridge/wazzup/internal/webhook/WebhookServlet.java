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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.servlet.AsyncContext;
import javax.servlet.AsyncEvent;
import javax.servlet.AsyncListener;
import javax.servlet.ReadListener;
import javax.servlet.ServletException;
import javax.servlet.ServletInputStream;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wazzup's webhooks (§8): {@code POST <path>/<secret>}. Checks the URL secret and, with a crmKey set
 * by WAuth, {@code Authorization: Bearer <crmKey>} as {@link CrmKeyGate} says (constant-time; 401
 * otherwise) before it reads anything: a refused body is not waited for; limits the body (413) and
 * the time it takes to arrive (408), reading it without holding a thread; refuses nesting deeper than
 * {@link Json#MAX_DEPTH} (400); parses it (400 for broken JSON) and dispatches on its top-level keys: {@code test} → 200,
 * {@code createContact}/{@code createDeal} → the created entity, notifications → stored durably,
 * then 200 (items that can never become events are stored as set aside, and the others go on);
 * unknown keys → 200. Neither secret is ever logged, and no exception leaves the servlet for the
 * container to log with the URI.
 */
final class WebhookServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(WebhookServlet.class);

    /** How long an authorised delivery's body may take to arrive. */
    static final Duration BODY_TIMEOUT = Duration.ofSeconds(10);
    /** How much beyond the limit an oversized body is read to keep the connection usable. */
    private static final long TOO_LARGE_SWALLOW = 4L * 1024 * 1024;
    /** The answer to every accepted delivery. */
    private static final byte[] OK = Json.bytes(Map.of("ok", true));

    private final transient byte[] secret;
    private final transient CrmKeyGate crmKey;
    private final int maxBody;
    private final transient Inbox inbox;
    private final transient Creations creations;
    private final Duration bodyTimeout;

    WebhookServlet(String secret, CrmKeyGate crmKey, int maxBody, Inbox inbox, Creations creations) {
        this(secret, crmKey, maxBody, inbox, creations, BODY_TIMEOUT);
    }

    private transient volatile dev.crmbridge.wazzup.internal.util.Metrics metrics = new dev.crmbridge.wazzup.internal.util.Metrics();

    WebhookServlet(String secret, CrmKeyGate crmKey, int maxBody, Inbox inbox, Creations creations, Duration bodyTimeout) {
        this.bodyTimeout = bodyTimeout;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.crmKey = crmKey;
        this.maxBody = maxBody;
        this.inbox = inbox;
        this.creations = creations;
    }

    /**
     * Every failure ends here, answered and logged without the request's URI: the container would log
     * the URI, which holds the secret, with an exception that left the servlet.
     */
    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) {
        if ("POST".equals(req.getMethod())) {
            metrics.webhooksReceived.add();
        }
        try {
            super.service(req, resp);
        } catch (IOException e) {
            LOG.debug("Wazzup webhooks: the answer could not be written ({})", e.getClass().getSimpleName());
        } catch (RuntimeException | ServletException e) {
            failed(resp, e);
        } catch (Error e) {
            if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
                throw e; // the JVM is in trouble: nothing to answer
            }
            failed(resp, e); // a host's class gone, an assertion: answered like any failure
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!authorized(req)) {
            // no detail: a caller without the secret learns nothing, and its body is not waited for
            Answers.refuse(req, resp);
            metrics.webhooksRefused.add();
            Answers.json(resp, 401, Map.of("error", "UNAUTHORIZED"));
            return;
        }
        if (req.getContentLengthLong() > maxBody) {
            Answers.swallow(req, resp, maxBody + TOO_LARGE_SWALLOW);
            tooLarge(resp);
            return;
        }
        if (!req.isAsyncSupported()) {
            // a container that cannot read without a thread: the body is read blocking, bounded by its idle timeout
            byte[] body = read(req.getInputStream());
            if (body == null) {
                Answers.swallow(req, resp, TOO_LARGE_SWALLOW);
                tooLarge(resp);
                return;
            }
            handle(body, resp);
            return;
        }
        new BodyReader(req, resp).start();
    }

    /**
     * Reads an authorised body without holding a thread while it arrives (servlet 3.1 non-blocking
     * input), and gives it {@code bodyTimeout} in all: a sender that drips it gets 408 and the connection
     * is closed.
     */
    private final class BodyReader implements ReadListener, AsyncListener {
        private final HttpServletResponse resp;
        private final AsyncContext async;
        private final ServletInputStream in;
        private final ByteArrayOutputStream out;
        private final byte[] buf;
        private final AtomicBoolean done = new AtomicBoolean();
        private long total;

        BodyReader(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            this.resp = resp;
            this.async = req.startAsync(req, resp);
            this.in = req.getInputStream();
            // sized by the announced length (most deliveries are well under a kilobyte): at thousands a
            // second, fixed 8 KB buffers were a third of what the webhook path allocated
            long announced = req.getContentLengthLong();
            int expected = announced > 0 && announced <= maxBody ? (int) announced : 1_024;
            this.buf = new byte[Math.max(256, Math.min(8_192, expected + 1))];
            this.out = new ByteArrayOutputStream(Math.min(expected, 64 * 1_024));
        }

        void start() {
            async.setTimeout(bodyTimeout.toMillis());
            async.addListener(this);
            in.setReadListener(this);
        }

        @Override
        public void onDataAvailable() throws IOException {
            while (in.isReady()) {
                int n = in.read(buf);
                if (n < 0) {
                    return;
                }
                total += n;
                if (total <= maxBody) {
                    out.write(buf, 0, n);
                } else if (total > maxBody + TOO_LARGE_SWALLOW) {
                    // far too long: not read on, and the connection ends with the answer
                    finish(() -> {
                        Answers.closeAfter(resp);
                        tooLarge(resp);
                    });
                    return;
                }
                // a little over the limit: read on and drop it, so that the connection stays usable
            }
        }

        @Override
        public void onAllDataRead() {
            finish(() -> {
                if (total > maxBody) {
                    tooLarge(resp);
                } else {
                    handle(out.toByteArray(), resp);
                }
            });
        }

        @Override
        public void onError(Throwable t) {
            LOG.debug("Wazzup webhooks: a body could not be read ({})", t.getClass().getSimpleName());
            finish(() -> Answers.closeAfter(resp));
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            finish(() -> {
                LOG.warn("Wazzup webhooks: a delivery's body did not arrive within {} s; refused with 408",
                        bodyTimeout.toSeconds());
                Answers.closeAfter(resp);
                refused(resp, 408, "TIMEOUT", "description", "the body did not arrive in time");
            });
        }

        @Override
        public void onComplete(AsyncEvent event) {
        }

        @Override
        public void onError(AsyncEvent event) {
            finish(() -> Answers.closeAfter(resp));
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }

        /** Answers once, whichever comes first: the whole body, too much of it, an error or the deadline. */
        private void finish(Answer answer) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            try {
                answer.write();
            } catch (IOException e) {
                LOG.debug("Wazzup webhooks: the answer could not be written ({})", e.getClass().getSimpleName());
            } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
                failed(resp, e);
            } finally {
                try {
                    async.complete();
                } catch (IllegalStateException alreadyOver) {
                    // the container ended the request meanwhile
                }
            }
        }
    }

    private interface Answer {
        void write() throws IOException;
    }

    /** An accepted body: answered by what its top-level keys ask for. */
    private void handle(byte[] body, HttpServletResponse resp) throws IOException {
        if (!Json.depthWithin(body, Json.MAX_DEPTH)) {
            refused(resp, 400, "TOO_DEEP", "description", "the body nests deeper than " + Json.MAX_DEPTH + " levels");
            return;
        }
        JsonNode json;
        try {
            json = Json.mapper().readTree(body);
        } catch (IOException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            refused(resp, 400, "INVALID_JSON", "description", "the body is not a JSON object");
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
                refused(resp, 503, "UNAVAILABLE", "description", "try again");
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

    /** A failure of ours: logged by its type and place only (never the URI), 500 if the answer is still open. */
    /** Where deliveries and refusals are counted (JMX). */
    void counting(dev.crmbridge.wazzup.internal.util.Metrics metrics) {
        this.metrics = metrics;
    }

    private void refused(HttpServletResponse resp, int status, String code, String key, String text) throws IOException {
        metrics.webhooksRefused.add();
        Answers.error(resp, status, code, key, text);
    }

    private void failed(HttpServletResponse resp, Throwable e) {
        StackTraceElement at = e.getStackTrace().length == 0 ? null : e.getStackTrace()[0];
        LOG.error("Wazzup webhooks: a delivery failed with {} at {}; Wazzup gets 500 and retries",
                e.getClass().getName(), at);
        if (!resp.isCommitted()) {
            try {
                resp.reset();
                refused(resp, 500, "INTERNAL", "description", "try again");
            } catch (IOException | IllegalStateException ignored) {
                // the client went away
            }
        }
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("Allow", "POST");
        refused(resp, 405, "METHOD_NOT_ALLOWED", "description", "Wazzup posts webhooks here");
    }

    private void tooLarge(HttpServletResponse resp) throws IOException {
        refused(resp, 413, "TOO_LARGE", "description", "the body exceeds " + maxBody + " bytes");
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
