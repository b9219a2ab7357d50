package dev.crmbridge.wazzup.internal.ops;

import dev.crmbridge.wazzup.api.message.Channel;
import dev.crmbridge.wazzup.api.sync.SyncStatus;
import dev.crmbridge.wazzup.internal.sync.Outage;
import dev.crmbridge.wazzup.internal.webhook.Verification;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The connector as the operations tools see it (the health check, the shell commands, the console page):
 * {@link SyncStatus} with what only they need. Implemented by the connector's status service.
 */
public interface Operable extends SyncStatus {

    /** Whether an API key is configured. */
    boolean hasKey();

    /** Wazzup failing the sync now (the leader's, in a cluster), or null. */
    Outage outage();

    /** When the oldest change still to send was recorded, or null when none waits. */
    Instant oldestPending();

    /** How old the oldest pending change may be before the health check warns. */
    Duration pendingWarnAfter();

    /** The account's channels as last read (no request to Wazzup). */
    List<Channel> channels();

    /** Verifies and repairs the webhook subscription now. */
    Verification verifyWebhooks();

    /** Sends every dead letter again; how many left the dead letters. */
    int retryAll();

    /** Why changes wait in memory to be stored (the store failing or stalling), or null. */
    String storeProblem();
}
