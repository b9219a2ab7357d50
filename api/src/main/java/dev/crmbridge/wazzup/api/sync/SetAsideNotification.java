package dev.crmbridge.wazzup.api.sync;

import java.time.Instant;

/**
 * A notification from Wazzup that can never become an event (an item of a webhook that is not a JSON
 * object, or whose id is missing or longer than any id): kept, with the reason, while the other items
 * of its delivery went on. It stays visible for the de-duplication window (a week), then it is
 * forgotten.
 *
 * @param kind {@code message}, {@code status}, {@code channel} or {@code template}
 * @param key the key it was stored under (never a secret)
 * @param reason why it cannot become an event, in an administrator's words
 * @param receivedAt when it arrived
 * @since 1.1
 */
public record SetAsideNotification(String kind, String key, String reason, Instant receivedAt) {
}
