package dev.crmbridge.wazzup.demo;

import dev.crmbridge.wazzup.api.sync.ClusterState;
import dev.crmbridge.wazzup.api.sync.DeadLetter;
import dev.crmbridge.wazzup.api.sync.EntityStatus;
import dev.crmbridge.wazzup.api.sync.SyncStatus;
import dev.crmbridge.wazzup.api.sync.WebhookState;
import java.io.PrintWriter;
import org.apache.felix.inventory.Format;
import org.apache.felix.inventory.InventoryPrinter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The connector's sync status as a page of the Felix Web Console (Status → Wazzup connector, at
 * {@code /system/console/status-wazzup}): what an administrator checks after setting the key. Active
 * only while the connector is configured (it needs {@link SyncStatus}).
 */
@Component(service = InventoryPrinter.class, property = {
    InventoryPrinter.NAME + "=wazzup",
    InventoryPrinter.TITLE + "=Wazzup connector",
    InventoryPrinter.FORMAT + "=TEXT"})
public final class DemoStatusPrinter implements InventoryPrinter {

    private final SyncStatus sync;

    @Activate
    public DemoStatusPrinter(@Reference SyncStatus sync) {
        this.sync = sync;
    }

    @Override
    public void print(PrintWriter out, Format format, boolean isZip) {
        out.println("Wazzup connector");
        out.println("State: " + (sync.problem() == null ? "working" : sync.problem()));
        out.println("Initial sync: " + (sync.initialSyncComplete() ? "complete" : "running"));
        out.println(clusterLine(sync.cluster()));
        out.println();
        out.printf("%-10s %9s %9s %12s  %s%n", "entity", "synced", "pending", "dead letters", "last success");
        for (EntityStatus e : sync.entities().values()) {
            out.printf("%-10s %9d %9d %12d  %s%n", e.type(), e.synced(), e.pending(), e.deadLetters(),
                    e.lastSuccess() == null ? "-" : e.lastSuccess());
        }
        WebhookState w = sync.webhooks();
        out.println();
        out.println("Webhooks: " + (w.subscribed() ? "subscribed at " + w.address() : "not subscribed")
                + (w.problem() == null ? "" : " (" + w.problem() + ")") + "; notifications stored " + w.stored()
                + (w.lastVerified() == null ? "" : "; verified " + w.lastVerified())
                + (w.repairs() == 0 ? "" : "; repaired " + w.repairs() + " time(s)"));
        if (!sync.deadLetters().isEmpty()) {
            out.println();
            out.println("Dead letters:");
            for (DeadLetter d : sync.deadLetters()) {
                out.println("  " + d);
            }
        }
    }

    /**
     * Which node leads, as one line: "Node n1 (alone)" or "Cluster: leader n2 since …; nodes n1, n2; this
     * node n1".
     */
    static String clusterLine(ClusterState c) {
        if (!c.clustered()) {
            return "Node: " + c.node() + " (alone, leads since " + c.leaderSince() + ")";
        }
        return "Cluster: " + (c.leader() == null ? "no leader right now (a new one takes over when the lease runs out)"
                : "leader " + c.leader() + " since " + c.leaderSince()) + "; nodes " + String.join(", ", c.nodes())
                + "; this node " + c.node() + (c.leads() ? " (the leader)" : "");
    }
}
