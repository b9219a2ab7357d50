package dev.crmbridge.wazzup.internal.ops;

import java.time.Clock;
import java.util.function.Function;
import org.apache.felix.hc.api.FormattingResultLog;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;

/**
 * The connector as a Felix health check (tags {@code wazzup} and {@code integration}): the
 * {@link HealthReport}'s findings as the result log. Loaded only where {@code org.apache.felix.hc.api} is
 * wired (see {@link OpsServices}).
 */
public final class WazzupHealthCheck implements HealthCheck {

    /** The check's name in Felix HC. */
    public static final String NAME = "Wazzup connector";
    /** Its tags. */
    public static final String[] TAGS = {"wazzup", "integration"};

    private final Function<java.time.Instant, HealthReport> reports;
    private final Clock clock;

    public WazzupHealthCheck(Function<java.time.Instant, HealthReport> reports, Clock clock) {
        this.reports = reports;
        this.clock = clock;
    }

    @Override
    public Result execute() {
        HealthReport report = reports.apply(clock.instant());
        FormattingResultLog log = new FormattingResultLog();
        for (HealthReport.Finding f : report.findings()) {
            // the text goes as the format's argument: a '{}' in it is not taken for a placeholder
            switch (f.level()) {
                case CRITICAL -> log.critical("{}", f.text());
                case WARN -> log.warn("{}", f.text());
                default -> log.info("{}", f.text());
            }
        }
        return new Result(log);
    }
}
