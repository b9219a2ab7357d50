package dev.crmbridge.wazzup.internal.ops.shell;

import dev.crmbridge.wazzup.api.sync.DeadLetter;
import dev.crmbridge.wazzup.internal.ops.Operable;
import java.io.PrintStream;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code wazzup:retry <id> | --all}: sends dead letters again, as the CRM holds them now. */
@Command(scope = "wazzup", name = "retry", description = "Sends a dead letter (or all of them) again, as the CRM"
        + " holds it now")
@Service
public final class RetryCommand extends WazzupCommand {

    @Argument(index = 0, name = "id", description = "The dead letter's id as wazzup:dead-letters shows it, e.g."
            + " contact/c42", required = false)
    String id;

    @Option(name = "--all", description = "Retry every dead letter")
    boolean all;

    @Override
    void run(Operable s, PrintStream out) {
        if (all && id != null) {
            out.println("Give a dead letter's id or --all, not both.");
            return;
        }
        if (all) {
            out.println("Retried " + s.retryAll() + " dead letter(s).");
            return;
        }
        if (id == null) {
            out.println("Name a dead letter (wazzup:dead-letters shows the ids) or give --all.");
            return;
        }
        for (DeadLetter d : s.deadLetters()) {
            if (DeadLettersCommand.id(d).equals(id)) { // a CRM's ids may differ only in case
                out.println(s.retry(d) ? "Retried " + id + "." : id + " is no longer a dead letter.");
                return;
            }
        }
        out.println("No dead letter " + id + " (wazzup:dead-letters shows the ids).");
    }
}
