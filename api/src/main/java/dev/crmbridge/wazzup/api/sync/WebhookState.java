package dev.crmbridge.wazzup.api.sync;

import java.time.Instant;

/**
 * Whether Wazzup sends its webhooks to this CRM, and what became of what it sent.
 *
 * @param subscribed {@code true} once Wazzup accepted the address (it tests it with a POST first)
 * @param address where Wazzup is told to post, with the secret part left out; {@code null} when no
 *     public base URL is configured
 * @param problem why the last subscription failed, or why events wait, in an administrator's words, or
 *     {@code null}
 * @param lastAttempt when it was last tried, or {@code null}
 * @param stored notifications (messages, statuses, channel and template changes) stored since the
 *     connector started; Wazzup's repeats are not counted
 * @param pending stored notifications whose events are not delivered yet
 * @param setAside stored notifications that can never become events (see
 *     {@link SyncStatus#setAsideNotifications()}); since 1.1
 * @param lastVerified when the subscription was last read back from Wazzup and found as wanted (or
 *     repaired), or {@code null}; it is verified at start and periodically; since 1.1
 * @param repairs how often it was found changed behind the connector's back (another system re-pointed
 *     it or turned subscriptions off) and subscribed again, since the connector started; since 1.1
 * @since 1.0
 */
public record WebhookState(boolean subscribed, String address, String problem, Instant lastAttempt, long stored,
        long pending, long setAside, Instant lastVerified, long repairs) {

    /**
     * A state never verified.
     *
     * @param subscribed whether Wazzup accepted the address
     * @param address the address without its secret, or {@code null}
     * @param problem the problem in words, or {@code null}
     * @param lastAttempt when it was last tried, or {@code null}
     * @param stored notifications stored since start
     * @param pending notifications not delivered yet
     * @param setAside notifications that can never become events
     */
    public WebhookState(boolean subscribed, String address, String problem, Instant lastAttempt, long stored,
            long pending, long setAside) {
        this(subscribed, address, problem, lastAttempt, stored, pending, setAside, null, 0);
    }

    /**
     * A state without set-aside notifications.
     *
     * @param subscribed whether Wazzup accepted the address
     * @param address the address without its secret, or {@code null}
     * @param problem the problem in words, or {@code null}
     * @param lastAttempt when it was last tried, or {@code null}
     * @param stored notifications stored since start
     * @param pending notifications not delivered yet
     */
    public WebhookState(boolean subscribed, String address, String problem, Instant lastAttempt, long stored,
            long pending) {
        this(subscribed, address, problem, lastAttempt, stored, pending, 0, null, 0);
    }
}
