package dev.crmbridge.wazzup.api.sync;

import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The connector's synchronisation with Wazzup, for an administrator's page or a health check, and
 * the levers to act on it. Registered by the connector while it is configured.
 *
 * @since 1.0
 */
@ProviderType
public interface SyncStatus {

    /**
     * The state per entity type, in sending order. Types the integration scheme does not sync are
     * absent.
     *
     * @return the states; never null
     */
    Map<EntityType, EntityStatus> entities();

    /**
     * Whether the connector can sync now: configured with an API key, a store and a
     * {@link dev.crmbridge.wazzup.api.spi.CrmDirectory}.
     *
     * @return {@code true} when it is running
     */
    boolean running();

    /**
     * What keeps the connector from syncing, or the last connection problem, in words fit for an
     * administrator (never a secret), or {@code null} when all is well.
     *
     * @return the problem, or {@code null}
     */
    String problem();

    /**
     * Whether the initial sync of the configured Wazzup account is complete: everything the CRM held
     * when the account was configured has been offered to Wazzup (or the initial sync is switched off).
     * Until then {@link #entities()} counts only changes recorded from events.
     *
     * @return {@code true} once complete
     */
    boolean initialSyncComplete();

    /**
     * The state of the webhook subscription: whether Wazzup was told where to send its webhooks.
     *
     * @return the state; never null
     */
    WebhookState webhooks();

    /**
     * The entities Wazzup rejected.
     *
     * @return the dead letters, oldest first; never null
     */
    List<DeadLetter> deadLetters();

    /**
     * Sends a dead letter again, as the CRM holds it now. It leaves the dead letters at once; if Wazzup
     * rejects it again it comes back with the new reason.
     *
     * @param deadLetter one of {@link #deadLetters()}
     * @return {@code false} if it was no longer a dead letter
     */
    boolean retry(DeadLetter deadLetter);

    /**
     * Compares the CRM with Wazzup now, in the background, and queues every difference (as the
     * periodic reconciliation does).
     */
    void resyncAll();

    /**
     * Changes the host reported that are not in the connector's store yet. The event handler hands
     * changes over without waiting for the store, and a writer stores them within milliseconds; while
     * the store fails or stalls they wait in memory, are counted here (and in each type's
     * {@link EntityStatus#pending()}), and {@link #problem()} names them. A JVM that is killed meanwhile
     * loses them to the next reconciliation.
     *
     * @return how many changes wait to be stored; 0 when all are stored
     * @since 1.1
     */
    default long unstoredChanges() {
        return 0;
    }

    /**
     * The notifications from Wazzup that can never become events, with the reason.
     *
     * @return the newest first (at most 1,000); never null
     * @since 1.1
     */
    default List<SetAsideNotification> setAsideNotifications() {
        return List.of();
    }

    /**
     * The nodes sharing the store and which of them leads: with storage {@code DATA_SOURCE} on PostgreSQL,
     * only the leader sends to Wazzup, and {@link #running()} and the dead letters are the cluster's as
     * the store holds them.
     *
     * @return the cluster as this node sees it; never null
     * @since 1.2
     */
    default ClusterState cluster() {
        return ClusterState.alone("this node", null);
    }
}
