package dev.crmbridge.wazzup.internal.ops;

import dev.crmbridge.wazzup.api.message.Channel;
import dev.crmbridge.wazzup.api.sync.ClusterState;
import dev.crmbridge.wazzup.api.sync.DeadLetter;
import dev.crmbridge.wazzup.api.sync.EntityStatus;
import dev.crmbridge.wazzup.api.sync.WebhookState;
import dev.crmbridge.wazzup.internal.webhook.Verification;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Web Console's Wazzup page, apart from any servlet API: the status, the dead letters with their
 * reasons and the channels, with actions (retry one or all dead letters, resync now, verify the webhooks).
 * The servlet adapters (Jakarta for Web Console 5, javax for Web Console 4 as in Karaf) pass the request's
 * facts in and write what comes out.
 *
 * <p>Actions are POSTs that need the signed-in console user (the console's own authentication; a console
 * that lets anyone in gets the page but no actions) and a CSRF token: a keyed hash of that user with a key
 * made at random when the bundle started, put in each form of the page. Another site cannot read the page,
 * so it cannot forge the token; a request whose {@code Origin} names another host is refused as well.
 */
public final class ConsolePage {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ConsolePage.class);

    /** The page's label: its address is {@code <console root>/wazzup}. */
    public static final String LABEL = "wazzup";
    public static final String TITLE = "Wazzup connector";
    public static final String CATEGORY = "Status";
    /** The form field that carries the CSRF token. */
    public static final String TOKEN_FIELD = "csrf";

    /** What an action came to: the HTTP status to answer and the text for the page. */
    public record Outcome(int status, String message) {
        public boolean done() {
            return status == 303;
        }
    }

    /** At most this many dead letters are listed (the count is shown whole). */
    static final int DEAD_LETTERS_SHOWN = 200;

    private final Supplier<Operable> status;
    /** The last done action's outcome per user, shown once by the page the redirect leads to. */
    private final java.util.Map<String, String> outcomes = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.function.Function<Instant, HealthReport> reports;
    private final byte[] key;

    public ConsolePage(Supplier<Operable> status, java.util.function.Function<Instant, HealthReport> reports) {
        this.status = status;
        this.reports = reports;
        this.key = new byte[32];
        new SecureRandom().nextBytes(key);
    }

    /** The CSRF token for {@code user}'s forms. */
    String token(String user) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] h = mac.doFinal(("wazzup-console|" + user).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(h);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    /**
     * Runs an action. {@code origin} is the request's {@code Origin} header (null when absent) and
     * {@code host} its {@code Host}; {@code user} the console's signed-in user, or null.
     */
    public Outcome act(String user, String token, String origin, String host, String action, String id) {
        Outcome o = decide(user, token, origin, host, action, id);
        if (o.done()) {
            outcomes.put(user, o.message());
        }
        return o;
    }

    private Outcome decide(String user, String token, String origin, String host, String action, String id) {
        if (user == null || user.isEmpty()) {
            return new Outcome(403, "Actions need a signed-in console administrator: configure the Web Console's"
                    + " authentication");
        }
        if (token == null || !MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                token(user).getBytes(StandardCharsets.UTF_8))) {
            return new Outcome(403, "Refused: the form's CSRF token is missing or wrong (reload the page)");
        }
        if (origin != null && (origin.equals("null") || host != null && !sameHost(origin, host))) {
            return new Outcome(403, "Refused: the request came from another site (" + origin + ")");
        }
        Operable s = status.get();
        if (s == null) {
            return new Outcome(409, "The connector is not running");
        }
        switch (action == null ? "" : action) {
            case "retry": {
                for (DeadLetter d : s.deadLetters()) {
                    if (id(d).equals(id)) {
                        return new Outcome(303, s.retry(d) ? "Retried " + id : id + " was no longer a dead letter");
                    }
                }
                return new Outcome(303, "No dead letter " + id);
            }
            case "retryAll":
                return new Outcome(303, "Retried " + s.retryAll() + " dead letter(s)");
            case "resync":
                s.resyncAll();
                return new Outcome(303, "Reconciliation requested");
            case "verifyWebhooks": {
                Verification v = s.verifyWebhooks();
                return new Outcome(303, "Webhooks: " + (v.text() == null ? v.outcome().name() : v.text()));
            }
            default:
                return new Outcome(400, "Unknown action");
        }
    }

    private static boolean sameHost(String origin, String host) {
        int scheme = origin.indexOf("://");
        String o = scheme < 0 ? origin : origin.substring(scheme + 3);
        return o.equalsIgnoreCase(host);
    }

    /** A dead letter's id on the page and in the shell: {@code contact/c42}. */
    public static String id(DeadLetter d) {
        return d.type().name().toLowerCase(Locale.ROOT) + "/" + d.entityId();
    }

    /** The page's content (inside the console's frame), with {@code user}'s last action's outcome once. */
    public String render(String user) {
        return render(user, user == null ? null : outcomes.remove(user));
    }

    private String render(String user, String message) {
        StringBuilder b = new StringBuilder(4096);
        b.append("<div id='wazzup-console'>");
        if (message != null) {
            b.append("<p class='statline ui-state-highlight' id='wazzup-message'>").append(esc(message)).append("</p>");
        }
        HealthReport report = reports.apply(Instant.now());
        b.append("<p class='statline' id='wazzup-health'>Health: <b>").append(report.level()).append("</b></p><ul>");
        for (HealthReport.Finding f : report.findings()) {
            b.append("<li class='wazzup-").append(f.level().name().toLowerCase(Locale.ROOT)).append("'>")
                    .append(esc(f.level() + ": " + f.text())).append("</li>");
        }
        b.append("</ul>");
        Operable s = status.get();
        if (s != null) {
            try {
                details(b, s, user == null ? null : token(user));
            } catch (RuntimeException e) {
                // the store failed while the page was drawn: the health above says so; the detail is logged
                LOG.warn("Wazzup connector: the console page could not read the connector's state", e);
                b.append("<p><i>The connector's state cannot be read now (").append(esc(e.getClass().getSimpleName()))
                        .append("): see the log.</i></p>");
            }
        }
        return b.append("</div>").toString();
    }

    private void details(StringBuilder b, Operable s, String token) {
        b.append("<h3>Sync</h3><table class='nicetable' id='wazzup-entities'><thead><tr><th>Type</th><th>Synced</th>"
                + "<th>Pending</th><th>Dead letters</th><th>Last success</th><th>Last error</th></tr></thead><tbody>");
        for (EntityStatus e : s.entities().values()) {
            b.append("<tr><td>").append(HealthReport.typeLabel(e.type())).append("</td><td>").append(e.synced())
                    .append("</td><td>").append(e.pending()).append("</td><td>").append(e.deadLetters()).append("</td><td>")
                    .append(time(e.lastSuccess())).append("</td><td>").append(esc(dash(e.lastError()))).append("</td></tr>");
        }
        b.append("</tbody></table>");
        WebhookState w = s.webhooks();
        ClusterState c = s.cluster();
        b.append("<p>Initial sync: ").append(s.initialSyncComplete() ? "complete" : "running").append("<br>Webhooks: ")
                .append(esc(w.address() == null ? "not configured (no public base URL)"
                        : (w.subscribed() ? "subscribed at " : "not subscribed at ") + w.address()))
                .append("; verified ").append(time(w.lastVerified())).append("; ").append(w.stored())
                .append(" notifications stored, ").append(w.pending()).append(" pending<br>Leader: ")
                .append(esc(c.leader() == null ? "none right now" : c.leader() + (c.leads() ? " (this node)" : "")
                        + " since " + time(c.leaderSince())))
                .append(c.clustered() ? "; nodes " + esc(String.join(", ", c.nodes())) : "").append("</p>");
        b.append("<p>");
        button(b, token, "resync", null, "Resync now");
        button(b, token, "verifyWebhooks", null, "Verify webhooks");
        b.append("</p>");
        List<DeadLetter> dead = s.deadLetters();
        b.append("<h3>Dead letters (").append(dead.size()).append(")</h3>");
        if (!dead.isEmpty()) {
            b.append("<p>");
            button(b, token, "retryAll", null, "Retry all");
            if (dead.size() > DEAD_LETTERS_SHOWN) {
                b.append(" The oldest ").append(DEAD_LETTERS_SHOWN).append(" are listed.");
            }
            b.append("</p><table class='nicetable' id='wazzup-dead-letters'><thead><tr><th>Id</th><th>Code</th><th>Reason</th>"
                    + "<th>Since</th><th>Attempts</th><th></th></tr></thead><tbody>");
            for (DeadLetter d : dead.subList(0, Math.min(dead.size(), DEAD_LETTERS_SHOWN))) {
                b.append("<tr data-id='").append(esc(id(d))).append("'><td>").append(esc(id(d))).append("</td><td>")
                        .append(esc(dash(d.errorCode()))).append("</td><td>").append(esc(dash(d.reason())))
                        .append("</td><td>").append(time(d.since())).append("</td><td>").append(d.attempts())
                        .append("</td><td>");
                button(b, token, "retry", id(d), "Retry");
                b.append("</td></tr>");
            }
            b.append("</tbody></table>");
        }
        List<Channel> channels = s.channels();
        b.append("<h3>Channels (").append(channels.size()).append(")</h3>");
        if (!channels.isEmpty()) {
            b.append("<table class='nicetable' id='wazzup-channels'><thead><tr><th>Channel</th><th>Transport</th>"
                    + "<th>Number / name</th><th>State</th><th>Problem</th></tr></thead><tbody>");
            for (Channel ch : channels) {
                b.append("<tr><td>").append(esc(ch.id())).append("</td><td>").append(esc(dash(ch.transport())))
                        .append("</td><td>").append(esc(dash(ch.plainId()) + (ch.name() == null ? "" : " / " + ch.name())))
                        .append("</td><td>").append(esc(dash(ch.state()))).append("</td><td>")
                        .append(esc(dash(ch.problem()))).append("</td></tr>");
            }
            b.append("</tbody></table>");
        }
        if (token == null) {
            b.append("<p><i>Actions need a signed-in console administrator.</i></p>");
        }
    }

    private static void button(StringBuilder b, String token, String action, String id, String label) {
        if (token == null) {
            return;
        }
        b.append("<form method='post' style='display:inline' class='wazzup-action'><input type='hidden' name='")
                .append(TOKEN_FIELD).append("' value='").append(token).append("'><input type='hidden' name='action' value='")
                .append(action).append("'>");
        if (id != null) {
            b.append("<input type='hidden' name='id' value='").append(esc(id)).append("'>");
        }
        b.append("<button type='submit' class='ui-button' name='do' value='").append(action).append("'>").append(label)
                .append("</button></form> ");
    }

    private static String time(Instant i) {
        return i == null ? "-" : i.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String dash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }
}
