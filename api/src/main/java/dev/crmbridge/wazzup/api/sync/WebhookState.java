package dev.crmbridge.wazzup.api.sync;

import java.time.Instant;

/**
 * Whether Wazzup sends its webhooks to this CRM.
 *
 * @param subscribed {@code true} once Wazzup accepted the address (it tests it with a POST first)
 * @param address where Wazzup is told to post, with the secret part left out; {@code null} when no
 *     public base URL is configured
 * @param problem why the last subscription failed, in an administrator's words, or {@code null}
 * @param lastAttempt when it was last tried, or {@code null}
 * @param stored notifications (messages, statuses, channel and template changes) stored since the
 *     connector started; Wazzup's repeats are not counted
 * @param pending stored notifications whose events are not posted yet
 * @since 1.0
 */
public record WebhookState(boolean subscribed, String address, String problem, Instant lastAttempt, long stored,
        long pending) {
}
