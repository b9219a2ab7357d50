package dev.crmbridge.wazzup.api.sync;

import java.time.Instant;

/**
 * The synchronisation state of one entity type.
 *
 * @param type the entity type
 * @param pending changes recorded and not yet accepted by Wazzup (one per entity), with those that wait
 *     to be stored (see {@link SyncStatus#unstoredChanges()}; an entity may then count twice)
 * @param deadLetters entities Wazzup rejected, set aside until fixed and retried
 * @param synced entities Wazzup holds as the CRM last sent them
 * @param lastSuccess when Wazzup last accepted a request for this type, or {@code null}
 * @param lastError the last failure's description (never a secret), or {@code null} when the last
 *     attempt succeeded
 * @param lastErrorAt when that failure happened, or {@code null}
 * @since 1.0
 */
public record EntityStatus(EntityType type, long pending, long deadLetters, long synced, Instant lastSuccess,
        String lastError, Instant lastErrorAt) {
}
