package dev.crmbridge.wazzup.internal.ops;

import dev.crmbridge.wazzup.api.WazzupConnector;
import dev.crmbridge.wazzup.api.message.Channel;
import dev.crmbridge.wazzup.api.sync.ClusterState;
import dev.crmbridge.wazzup.api.sync.EntityStatus;
import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.api.sync.WebhookState;
import dev.crmbridge.wazzup.internal.sync.Outage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The connector's health in words: what the Felix health check, {@code wazzup:status} and the console page
 * show. Each finding is a level and a sentence for an administrator; none carries a secret (they are made
 * of the status's own texts, which never hold one, and of counts).
 *
 * <ul>
 * <li>CRITICAL: not configured, or configured but not running, or no key; the key refused (401/403); Wazzup failing beyond the first retry
 * pause; a cluster without a leader.</li>
 * <li>WARN: dead letters; notifications set aside; the webhook subscription failing or never verified; the
 * oldest pending change older than {@code healthPendingWarnMinutes}; a channel that cannot send; changes
 * that wait to be stored; any other problem the status names.</li>
 * <li>OK: otherwise, with the counts.</li>
 * </ul>
 */
public final class HealthReport {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HealthReport.class);

    /** How bad a finding is, in the order of Felix HC's statuses. */
    public enum Level {
        OK, WARN, CRITICAL
    }

    /** One thing the check found. */
    public record Finding(Level level, String text) {
    }

    private final List<Finding> findings;

    private HealthReport(List<Finding> findings) {
        this.findings = List.copyOf(findings);
    }

    /** The findings, worst first. */
    public List<Finding> findings() {
        return findings;
    }

    /** The worst level found. */
    public Level level() {
        return findings.stream().map(Finding::level).max(Enum::compareTo).orElse(Level.OK);
    }

    /** The report on a connector that is not configured. */
    public static HealthReport notConfigured() {
        return new HealthReport(List.of(new Finding(Level.CRITICAL, "The Wazzup connector is not configured: set the API"
                + " key ('" + WazzupConnector.PROPERTY_API_KEY + "') under " + WazzupConnector.PID + ", or connect by button")));
    }

    /** The report on a connector that is configured but not running, for {@code why} (in words, no secret). */
    public static HealthReport notRunning(String why) {
        return new HealthReport(List.of(new Finding(Level.CRITICAL, "The Wazzup connector is configured but not running: "
                + why)));
    }

    /** The report on {@code status}. */
    public static HealthReport of(Operable status, Instant now) {
        List<Finding> out = new ArrayList<>();
        try {
            inspect(status, now, out);
        } catch (RuntimeException e) {
            // the store or the runtime could not answer: that is the finding (the detail goes to the log only:
            // a driver's message may name more than an administrator's page should show)
            LOG.warn("Wazzup connector: its state cannot be read for the health check", e);
            out.add(new Finding(Level.CRITICAL, "The connector's state cannot be read (" + e.getClass().getSimpleName()
                    + "): see the log"));
        }
        out.sort((a, b) -> b.level().compareTo(a.level()));
        return new HealthReport(out);
    }

    private static void inspect(Operable status, Instant now, List<Finding> out) {
        ClusterState cluster = status.cluster();
        boolean follower = cluster.clustered() && !cluster.leads();
        if (!status.hasKey()) {
            out.add(new Finding(Level.CRITICAL, "No Wazzup API key is configured: set '" + WazzupConnector.PROPERTY_API_KEY
                    + "' under " + WazzupConnector.PID + ", or connect by button. Changes are recorded meanwhile."));
        }
        Outage outage = status.outage();
        if (outage != null && outage.keyRefused()) {
            out.add(new Finding(Level.CRITICAL, outage.why() + " (since " + outage.since() + ")"));
        } else if (outage != null && outage.failuresInARow() > 1) {
            out.add(new Finding(Level.CRITICAL, outage.why() + ": " + outage.failuresInARow() + " attempts in a row have"
                    + " failed since " + outage.since() + ". Changes wait in the outbox."));
        } else if (outage != null) {
            out.add(new Finding(Level.WARN, outage.why() + ": retrying after a pause"));
        }
        if (cluster.clustered() && cluster.leader() == null) {
            out.add(new Finding(Level.CRITICAL, "The cluster has no leader: nothing is sent to Wazzup until a node takes"
                    + " the lead (nodes alive: " + String.join(", ", cluster.nodes()) + ")"));
        }
        Map<EntityType, EntityStatus> entities = status.entities();
        long dead = entities.values().stream().mapToLong(EntityStatus::deadLetters).sum();
        if (dead > 0) {
            out.add(new Finding(Level.WARN, dead + " dead letter" + (dead == 1 ? "" : "s") + " ("
                    + entities.values().stream().filter(e -> e.deadLetters() > 0)
                            .map(e -> name(e.type()) + " " + e.deadLetters()).collect(Collectors.joining(", "))
                    + "): Wazzup rejected " + (dead == 1 ? "it" : "them") + "; fix the CRM's data and retry"
                    + " (wazzup:retry, or the Web Console's Wazzup page)"));
        }
        WebhookState webhooks = status.webhooks();
        if (webhooks.setAside() > 0) {
            out.add(new Finding(Level.WARN, webhooks.setAside() + " notification" + (webhooks.setAside() == 1 ? "" : "s")
                    + " from Wazzup set aside: they can never become events (see SyncStatus.setAsideNotifications)"));
        }
        if (webhooks.address() != null && status.hasKey()) {
            if (webhooks.problem() != null) {
                out.add(new Finding(Level.WARN, "Webhooks: " + webhooks.problem()));
            } else if (!webhooks.subscribed() || webhooks.lastVerified() == null) {
                out.add(new Finding(Level.WARN, "Webhooks: the subscription at " + webhooks.address()
                        + (follower ? " is not verified by the leader yet" : " is not verified yet")));
            }
        }
        Instant oldest = status.oldestPending();
        Duration limit = status.pendingWarnAfter();
        if (oldest != null && Duration.between(oldest, now).compareTo(limit) > 0) {
            out.add(new Finding(Level.WARN, "The oldest pending change was recorded " + ago(Duration.between(oldest, now))
                    + " ago (more than " + limit.toMinutes() + " min): the sync falls behind"));
        }
        List<Channel> troubled = status.channels().stream().filter(c -> c.problem() != null).toList();
        for (Channel c : troubled) {
            String p = c.problem(); // names the channel already
            out.add(new Finding(Level.WARN, Character.toUpperCase(p.charAt(0)) + p.substring(1)));
        }
        String store = status.storeProblem(); // only once the store failed or stalled, not a write under way
        if (store != null) {
            out.add(new Finding(Level.WARN, store));
        }
        String problem = status.problem();
        if (problem != null && out.stream().noneMatch(f -> f.level() != Level.OK)) {
            out.add(new Finding(Level.WARN, problem)); // nothing above explains it
        }
        out.add(new Finding(Level.OK, counts(entities, webhooks, cluster, status.initialSyncComplete())));
    }

    private static String counts(Map<EntityType, EntityStatus> entities, WebhookState webhooks, ClusterState cluster,
            boolean initialComplete) {
        StringBuilder b = new StringBuilder("Synced ");
        // the pipelines go as one set (one entity): they are in step or not, not counted one by one
        b.append(entities.values().stream().map(e -> e.type() == EntityType.PIPELINE
                ? (e.synced() > 0 ? "the pipelines" : "no pipelines yet")
                : e.synced() + " " + name(e.type()) + (e.synced() == 1 ? "" : "s")).collect(Collectors.joining(", ")));
        long pending = entities.values().stream().mapToLong(EntityStatus::pending).sum();
        b.append("; ").append(pending).append(" pending");
        if (!initialComplete) {
            b.append("; the initial sync is running");
        }
        b.append("; webhooks ").append(webhooks.address() == null ? "not configured (no public base URL)"
                : webhooks.subscribed() ? "subscribed" : "not subscribed");
        b.append(", ").append(webhooks.stored()).append(webhooks.stored() == 1 ? " notification" : " notifications")
                .append(" stored");
        if (cluster.clustered()) {
            b.append("; leader ").append(cluster.leader() == null ? "none" : cluster.leader())
                    .append(cluster.leads() ? " (this node)" : "").append(" of ").append(cluster.nodes().size())
                    .append(" node").append(cluster.nodes().size() == 1 ? "" : "s");
        }
        return b.toString();
    }

    /** A type's name in tables: the pipelines go as one set, so their row counts sets, not pipelines. */
    public static String typeLabel(EntityType t) {
        return t == EntityType.PIPELINE ? "pipelines (one set)" : name(t);
    }

    private static String name(EntityType t) {
        return t.name().toLowerCase(Locale.ROOT);
    }

    private static String ago(Duration d) {
        return d.toHours() > 0 ? d.toHours() + " h " + d.toMinutesPart() + " min" : d.toMinutes() + " min";
    }
}
