package dev.crmbridge.wazzup.internal.ops.shell;

import dev.crmbridge.wazzup.api.sync.DeadLetter;
import dev.crmbridge.wazzup.internal.ops.Operable;
import java.io.PrintStream;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code wazzup:dead-letters}: what Wazzup rejected, with the reasons; the id is what {@code wazzup:retry} takes. */
@Command(scope = "wazzup", name = "dead-letters", description = "Lists the entities Wazzup rejected, with the reasons")
@Service
public final class DeadLettersCommand extends WazzupCommand {

    @Override
    void run(Operable s, PrintStream out) {
        ShellTable table = new ShellTable().emptyTableText("No dead letters.");
        table.column("Id");
        table.column("Code");
        table.column("Reason").maxSize(70).wrap();
        table.column("Since");
        table.column("Attempts").alignRight();
        for (DeadLetter d : s.deadLetters()) {
            table.addRow().addContent(id(d), text(d.errorCode()), text(d.reason()), time(d.since()), d.attempts());
        }
        table.print(out);
    }

    /** A dead letter's id in the shell: {@code contact/c42}. */
    static String id(DeadLetter d) {
        return dev.crmbridge.wazzup.internal.ops.ConsolePage.id(d);
    }
}
