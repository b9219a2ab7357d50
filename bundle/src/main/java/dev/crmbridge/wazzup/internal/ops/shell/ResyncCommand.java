package dev.crmbridge.wazzup.internal.ops.shell;

import dev.crmbridge.wazzup.internal.ops.Operable;
import java.io.PrintStream;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code wazzup:resync}: compares the CRM with Wazzup now and queues every difference. */
@Command(scope = "wazzup", name = "resync", description = "Compares the CRM with Wazzup now, in the background, and"
        + " sends every difference")
@Service
public final class ResyncCommand extends WazzupCommand {

    @Override
    void run(Operable s, PrintStream out) {
        s.resyncAll();
        out.println("Reconciliation requested: the leader compares the CRM with Wazzup now (wazzup:status shows the"
                + " pending changes).");
    }
}
