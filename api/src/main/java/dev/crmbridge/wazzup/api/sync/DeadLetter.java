package dev.crmbridge.wazzup.api.sync;

import java.time.Instant;
import java.util.List;

/**
 * An entity Wazzup rejected. It stays out of the way (the rest of its batch went through) until the
 * host fixes it and saves it again, or an administrator calls {@link SyncStatus#retry(DeadLetter)}.
 *
 * @param type the entity type
 * @param entityId the CRM id
 * @param errorCode Wazzup's error code (e.g. {@code INVALID_CONTACTS_DATA}), or a connector code such
 *     as {@code CONTACT_NOT_IN_WAZZUP}
 * @param reason a human-readable reason
 * @param fields the offending fields as Wazzup named them (e.g. {@code contactData[0].chatId}); may be empty
 * @param since when it was set aside
 * @param attempts how many times it was sent
 * @since 1.0
 */
public record DeadLetter(EntityType type, String entityId, String errorCode, String reason, List<String> fields,
        Instant since, int attempts) {

    /**
     * Copies the list.
     */
    public DeadLetter {
        fields = fields == null ? List.of() : List.copyOf(fields);
    }
}
