package dev.crmbridge.wazzup.internal.ops.shell;

import dev.crmbridge.wazzup.api.sync.ClusterState;
import dev.crmbridge.wazzup.api.sync.EntityStatus;
import dev.crmbridge.wazzup.api.sync.WebhookState;
import dev.crmbridge.wazzup.internal.ops.HealthReport;
import dev.crmbridge.wazzup.internal.ops.Operable;
import java.io.PrintStream;
import java.time.Instant;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code wazzup:status}: per entity type synced, pending and dead letters; the webhooks; the leader; the health. */
@Command(scope = "wazzup", name = "status", description = "Shows the Wazzup sync per entity type, the webhooks, the"
        + " leader and the health")
@Service
public final class StatusCommand extends WazzupCommand {

    @Override
    void run(Operable s, PrintStream out) {
        ShellTable table = new ShellTable();
        table.column("Type");
        table.column("Synced").alignRight();
        table.column("Pending").alignRight();
        table.column("Dead letters").alignRight();
        table.column("Last success");
        table.column("Last error").maxSize(60);
        for (EntityStatus e : s.entities().values()) {
            table.addRow().addContent(HealthReport.typeLabel(e.type()), e.synced(), e.pending(), e.deadLetters(),
                    time(e.lastSuccess()), text(e.lastError()));
        }
        table.print(out);
        out.println();
        WebhookState w = s.webhooks();
        ShellTable facts = new ShellTable().noHeaders();
        facts.column("What");
        facts.column("State").maxSize(100).wrap();
        facts.addRow().addContent("Initial sync", s.initialSyncComplete() ? "complete" : "running");
        facts.addRow().addContent("Webhooks", w.address() == null ? "not configured (no public base URL)"
                : (w.subscribed() ? "subscribed at " : "not subscribed at ") + w.address());
        facts.addRow().addContent("Webhooks verified", time(w.lastVerified()) + (w.repairs() == 0 ? ""
                : ", repaired " + w.repairs() + " time(s)"));
        facts.addRow().addContent("Notifications", w.stored() + " stored, " + w.pending() + " pending, " + w.setAside()
                + " set aside");
        ClusterState c = s.cluster();
        facts.addRow().addContent("Leader", c.leader() == null ? "none right now"
                : c.leader() + (c.leads() ? " (this node)" : "") + " since " + time(c.leaderSince()));
        if (c.clustered()) {
            facts.addRow().addContent("Nodes", String.join(", ", c.nodes()));
        }
        HealthReport report = HealthReport.of(s, Instant.now());
        facts.addRow().addContent("Health", report.level().name());
        for (HealthReport.Finding f : report.findings()) {
            if (f.level() != HealthReport.Level.OK) {
                facts.addRow().addContent("  " + f.level(), f.text());
            }
        }
        facts.print(out);
    }
}
