package dev.crmbridge.wazzup.internal.sync;

import dev.crmbridge.wazzup.api.IntegrationScheme;
import dev.crmbridge.wazzup.api.sync.EntityType;
import java.time.Duration;
import java.util.List;

/**
 * How the engine syncs.
 *
 * @param scheme which entity types are synced
 * @param batchDelay how long a batch that is not full waits for more changes
 * @param retryMaxDelay the longest pause after Wazzup failed (the pause doubles from 2 s up to it)
 * @param reconcileInterval how often the CRM is compared with Wazzup; zero for never
 * @param reconcileDeletes whether the comparison deletes from Wazzup what the CRM no longer has
 * @param initialSync whether a new account gets everything the CRM holds
 * @param phones the phone normalisation rules
 * @param accountDigest a digest of the API key: when it changes, Wazzup is a new account
 */
public record SyncSettings(IntegrationScheme scheme, Duration batchDelay, Duration retryMaxDelay,
        Duration reconcileInterval, boolean reconcileDeletes, boolean initialSync, PhoneRules phones,
        String accountDigest) {

    /** The entity types this scheme syncs, in sending order. */
    public List<EntityType> types() {
        return scheme.includesDeals() ? List.of(EntityType.USER, EntityType.PIPELINE, EntityType.CONTACT, EntityType.DEAL)
                : List.of(EntityType.USER, EntityType.CONTACT);
    }
}
