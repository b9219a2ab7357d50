package dev.crmbridge.wazzup.internal.ops.shell;

import dev.crmbridge.wazzup.api.sync.WebhookState;
import dev.crmbridge.wazzup.internal.ops.Operable;
import dev.crmbridge.wazzup.internal.webhook.Verification;
import java.io.PrintStream;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code wazzup:webhooks}: reads the subscription back from Wazzup and sets it again where it changed. */
@Command(scope = "wazzup", name = "webhooks", description = "Verifies the webhook subscription at Wazzup and repairs"
        + " it")
@Service
public final class WebhooksCommand extends WazzupCommand {

    @Override
    void run(Operable s, PrintStream out) {
        Verification v = s.verifyWebhooks();
        WebhookState w = v.state();
        ShellTable t = new ShellTable().noHeaders();
        t.column("What");
        t.column("State").maxSize(100).wrap();
        t.addRow().addContent("Verification", v.outcome().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                + (v.text() == null ? "" : ": " + v.text()));
        t.addRow().addContent("Address", text(w.address()));
        t.addRow().addContent("Subscribed", w.subscribed() ? "yes" : "no");
        t.addRow().addContent("Verified", time(w.lastVerified()));
        t.addRow().addContent("Repairs", w.repairs());
        t.addRow().addContent("Problem", text(w.problem()));
        t.addRow().addContent("Notifications", w.stored() + " stored, " + w.pending() + " pending, " + w.setAside()
                + " set aside");
        t.print(out);
    }
}
