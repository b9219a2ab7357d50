package dev.crmbridge.wazzup.internal.ops.shell;

import dev.crmbridge.wazzup.api.sync.SyncStatus;
import dev.crmbridge.wazzup.internal.ops.Operable;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.lifecycle.Reference;

/**
 * What every {@code wazzup:} command shares: the connector's status (absent while it is not configured),
 * and how times and missing values print. No command prints a secret: they print the status's texts and
 * counts, which hold none.
 */
abstract class WazzupCommand implements Action {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    @Reference(optional = true)
    SyncStatus status;

    @Override
    public final Object execute() throws Exception {
        PrintStream out = System.out;
        if (!(status instanceof Operable connector)) {
            out.println("The Wazzup connector is not running: not configured (config:edit dev.crmbridge.wazzup), or see"
                    + " scr:info dev.crmbridge.wazzup for why.");
            return null;
        }
        run(connector, out);
        return null;
    }

    abstract void run(Operable connector, PrintStream out) throws Exception;

    static String time(Instant i) {
        return i == null ? "-" : TIME.format(i.truncatedTo(ChronoUnit.SECONDS));
    }

    static String text(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }
}
