package dev.crmbridge.wazzup.internal.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crmbridge.wazzup.api.message.Channel;
import dev.crmbridge.wazzup.api.sync.ClusterState;
import dev.crmbridge.wazzup.api.sync.DeadLetter;
import dev.crmbridge.wazzup.api.sync.EntityStatus;
import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.api.sync.WebhookState;
import dev.crmbridge.wazzup.internal.sync.Outage;
import dev.crmbridge.wazzup.internal.webhook.Verification;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The health report's states that the integration test cannot reach in seconds (a cluster without leader,
 * a change pending for a quarter of an hour, the store stalling, a follower showing the leader's outage),
 * on a stand-in for the connector's status.
 */
class HealthReportTest {

    private static final Instant NOW = Instant.parse("2026-12-08T10:00:00Z");

    /** A connector that is well until a test changes a field. */
    static class Stub implements Operable {
        boolean key = true;
        Outage outage;
        Instant oldest;
        long dead;
        String problem;
        String storeProblem;
        ClusterState cluster = ClusterState.alone("n1", NOW.minusSeconds(3600));
        WebhookState webhooks = new WebhookState(true, "https://crm.example.com/wazzup/webhook/…", null, NOW, 3, 0, 0,
                NOW, 0);
        List<Channel> channels = List.of(new Channel("ch1", "whatsapp", "79000000001", null, "active", null));

        @Override
        public Map<EntityType, EntityStatus> entities() {
            Map<EntityType, EntityStatus> m = new LinkedHashMap<>();
            m.put(EntityType.USER, new EntityStatus(EntityType.USER, 0, 0, 5, NOW, null, null));
            m.put(EntityType.PIPELINE, new EntityStatus(EntityType.PIPELINE, 0, 0, 1, NOW, null, null));
            m.put(EntityType.CONTACT, new EntityStatus(EntityType.CONTACT, oldest == null ? 0 : 7, dead, 2_000, NOW, null,
                    null));
            m.put(EntityType.DEAL, new EntityStatus(EntityType.DEAL, 0, 0, 500, NOW, null, null));
            return m;
        }

        @Override
        public boolean running() {
            return true;
        }

        @Override
        public String problem() {
            return problem;
        }

        @Override
        public boolean initialSyncComplete() {
            return true;
        }

        @Override
        public WebhookState webhooks() {
            return webhooks;
        }

        @Override
        public List<DeadLetter> deadLetters() {
            return List.of();
        }

        @Override
        public boolean retry(DeadLetter deadLetter) {
            return false;
        }

        @Override
        public void resyncAll() {
        }

        @Override
        public ClusterState cluster() {
            return cluster;
        }

        @Override
        public boolean hasKey() {
            return key;
        }

        @Override
        public Outage outage() {
            return outage;
        }

        @Override
        public Instant oldestPending() {
            return oldest;
        }

        @Override
        public Duration pendingWarnAfter() {
            return Duration.ofMinutes(15);
        }

        @Override
        public List<Channel> channels() {
            return channels;
        }

        @Override
        public Verification verifyWebhooks() {
            return new Verification(Verification.Outcome.VERIFIED, webhooks, "verified");
        }

        @Override
        public int retryAll() {
            return 0;
        }

        @Override
        public String storeProblem() {
            return storeProblem;
        }
    }

    private final Stub s = new Stub();

    private HealthReport report() {
        return HealthReport.of(s, NOW);
    }

    @Test
    void allWellIsOkWithTheCountsAndThePipelinesAsOneSet() {
        assertThat(report().level()).isEqualTo(HealthReport.Level.OK);
        assertThat(report().findings()).singleElement().extracting(HealthReport.Finding::text).isEqualTo(
                "Synced 5 users, the pipelines, 2000 contacts, 500 deals; 0 pending; webhooks subscribed, 3 notifications stored");
    }

    @Test
    void aClusterWithoutLeaderIsCritical() {
        s.cluster = new ClusterState(true, "n2", null, null, List.of("n1", "n2"));
        assertThat(report().level()).isEqualTo(HealthReport.Level.CRITICAL);
        assertThat(report().findings().get(0).text()).startsWith("The cluster has no leader").contains("n1, n2");
    }

    @Test
    void aChangePendingLongerThanTheThresholdWarnsAndAYoungerOneDoesNot() {
        s.oldest = NOW.minus(Duration.ofMinutes(14));
        assertThat(report().level()).isEqualTo(HealthReport.Level.OK);
        s.oldest = NOW.minus(Duration.ofMinutes(42));
        assertThat(report().level()).isEqualTo(HealthReport.Level.WARN);
        assertThat(report().findings().get(0).text())
                .isEqualTo("The oldest pending change was recorded 42 min ago (more than 15 min): the sync falls behind");
    }

    @Test
    void theFirstFailureWarnsAndTheSecondInARowIsCritical() {
        s.outage = new Outage(NOW.minusSeconds(3), 1, false, "Wazzup is unavailable: 503");
        assertThat(report().level()).isEqualTo(HealthReport.Level.WARN);
        s.outage = new Outage(NOW.minusSeconds(9), 2, false, "Wazzup is unavailable: 503");
        assertThat(report().level()).isEqualTo(HealthReport.Level.CRITICAL);
        assertThat(report().findings().get(0).text()).contains("2 attempts in a row have failed");
    }

    @Test
    void aFollowerShowsTheOutageTheLeaderShared() {
        s.cluster = new ClusterState(true, "n2", "n1", NOW.minusSeconds(60), List.of("n1", "n2"));
        s.outage = new Outage(NOW.minusSeconds(60), 1, true, "Wazzup refused the API key (401): check the key");
        assertThat(report().level()).isEqualTo(HealthReport.Level.CRITICAL);
        assertThat(report().findings().get(0).text()).startsWith("Wazzup refused the API key (401)");
        assertThat(report().findings().get(report().findings().size() - 1).text()).contains("leader n1 of 2 nodes");
    }

    @Test
    void aStoreThatStallsWarnsButAWriteUnderWayDoesNot() {
        assertThat(report().level()).isEqualTo(HealthReport.Level.OK);
        s.storeProblem = "120 changes reported by the CRM wait to be stored: the store has not answered for 12 s";
        assertThat(report().level()).isEqualTo(HealthReport.Level.WARN);
        assertThat(report().findings().get(0).text()).startsWith("120 changes reported by the CRM wait to be stored");
    }

    @Test
    void aChannelThatCannotSendWarnsInItsOwnWords() {
        s.channels = List.of(new Channel("ch1", "whatsapp", "79000000001", null, "qr",
                "the whatsapp channel 79000000001 needs its QR code scanned in Wazzup"));
        assertThat(report().findings().get(0)).isEqualTo(new HealthReport.Finding(HealthReport.Level.WARN,
                "The whatsapp channel 79000000001 needs its QR code scanned in Wazzup"));
    }

    @Test
    void aStatusThatThrowsIsCriticalWithoutTheExceptionsMessage() {
        Stub broken = new Stub() {
            @Override
            public Map<EntityType, EntityStatus> entities() {
                throw new IllegalStateException("jdbc:postgresql://db/crm?password=hunter2 refused");
            }
        };
        HealthReport r = HealthReport.of(broken, NOW);
        assertThat(r.level()).isEqualTo(HealthReport.Level.CRITICAL);
        assertThat(r.findings()).singleElement().extracting(HealthReport.Finding::text)
                .isEqualTo("The connector's state cannot be read (IllegalStateException): see the log");
    }

    @Test
    void aProblemNothingElseExplainsIsAWarning() {
        s.problem = "the connector's database failed: disk full";
        assertThat(report().findings().get(0)).isEqualTo(new HealthReport.Finding(HealthReport.Level.WARN,
                "the connector's database failed: disk full"));
    }

    @Test
    void notConfiguredAndNotRunningAreCritical() {
        assertThat(HealthReport.notConfigured().level()).isEqualTo(HealthReport.Level.CRITICAL);
        assertThat(HealthReport.notRunning("its activation failed: java.lang.IllegalStateException: storage is"
                + " DATA_SOURCE but no DataSource service matches dataSource.target").findings().get(0).text())
                .startsWith("The Wazzup connector is configured but not running: its activation failed");
    }
}
