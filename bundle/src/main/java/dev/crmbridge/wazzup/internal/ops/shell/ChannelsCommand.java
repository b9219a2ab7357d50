package dev.crmbridge.wazzup.internal.ops.shell;

import dev.crmbridge.wazzup.api.message.Channel;
import dev.crmbridge.wazzup.api.message.Channels;
import dev.crmbridge.wazzup.internal.ops.Operable;
import java.io.PrintStream;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code wazzup:channels}: the account's channels, their states and what keeps one from sending. */
@Command(scope = "wazzup", name = "channels", description = "Lists the Wazzup account's channels and their states")
@Service
public final class ChannelsCommand extends WazzupCommand {

    @Reference(optional = true)
    Channels channels;

    @Override
    void run(Operable s, PrintStream out) {
        ShellTable t = new ShellTable().emptyTableText("No channels (or Wazzup could not be asked yet).");
        t.column("Channel id");
        t.column("Transport");
        t.column("Number / name");
        t.column("State");
        t.column("Problem").maxSize(60).wrap();
        for (Channel c : channels != null ? channels.list() : s.channels()) {
            t.addRow().addContent(c.id(), text(c.transport()), text(c.name() != null ? c.plainId() + " / " + c.name()
                    : c.plainId()), text(c.state()), text(c.problem()));
        }
        t.print(out);
    }
}
