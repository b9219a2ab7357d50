package dev.crmbridge.wazzup.demo;

import dev.crmbridge.wazzup.api.sync.EntityStatus;
import dev.crmbridge.wazzup.api.sync.SyncStatus;
import dev.crmbridge.wazzup.api.sync.WebhookState;
import java.util.function.Supplier;

/**
 * The demo's "Wazzup connector" page for administrators: the connector's state from {@link SyncStatus}, per
 * entity type, the webhooks, the cluster and the account's channels.
 */
final class DemoWazzupPage {

    private DemoWazzupPage() {
    }

    /** The page's body; {@code s} null when the connector is not configured. */
    static String render(SyncStatus s, Supplier<String> channels) {
        StringBuilder h = new StringBuilder("<h1>Wazzup connector</h1>");
        if (s == null) {
            h.append("<p class=\"warn\" id=\"sync-problem\">The connector is not configured: set the API key in the ")
                    .append("<a href=\"/system/console/configMgr/dev.crmbridge.wazzup\">Web Console</a>.</p>");
        } else {
            h.append("<p id=\"sync-state\">").append(s.problem() == null ? "Working." : DemoPages.esc(s.problem()))
                    .append(s.initialSyncComplete() ? " The initial sync is complete." : " The initial sync is running.")
                    .append("</p><p id=\"cluster-state\">").append(DemoPages.esc(DemoStatusPrinter.clusterLine(s.cluster())))
                    .append("</p><table><tr><th>Entity</th><th>Synced</th><th>Pending</th><th>Dead letters</th><th>Last success</th></tr>");
            for (EntityStatus e : s.entities().values()) {
                h.append("<tr><td>").append(DemoPages.esc(e.type().name())).append("</td><td>").append(e.synced()).append("</td><td>")
                        .append(e.pending()).append("</td><td>").append(e.deadLetters()).append("</td><td>")
                        .append(e.lastSuccess() == null ? "" : DemoPages.esc(e.lastSuccess().toString())).append("</td></tr>");
            }
            WebhookState w = s.webhooks();
            h.append("</table><p>Webhooks: ").append(w.subscribed() ? "subscribed at " + DemoPages.esc(w.address() == null ? "" : w.address()) : "not subscribed")
                    .append(w.problem() == null ? "" : " — " + DemoPages.esc(w.problem()))
                    .append(w.lastVerified() == null ? "" : "; verified at Wazzup " + DemoPages.esc(w.lastVerified().toString()))
                    .append(w.repairs() == 0 ? "" : "; repaired " + w.repairs() + " time(s) after another system changed it")
                    .append("</p>");
            h.append(channels.get());
        }
        h.append("<p><a href=\"/system/console/configMgr/dev.crmbridge.wazzup\" id=\"console-config\">Configuration</a> and ")
                .append("<a href=\"/system/console/status-wazzup\">status</a> in the Felix Web Console (user admin, password ")
                .append("admin).</p>");
        return h.toString();
    }
}
