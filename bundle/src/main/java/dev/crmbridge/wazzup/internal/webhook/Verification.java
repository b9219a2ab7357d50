package dev.crmbridge.wazzup.internal.webhook;

import dev.crmbridge.wazzup.api.sync.WebhookState;

/**
 * What an administrator's "verify the webhooks now" came to.
 *
 * @param outcome what happened
 * @param state the subscription's state afterwards
 * @param text the outcome in an administrator's words (never a secret)
 */
public record Verification(Outcome outcome, WebhookState state, String text) {

    /** What happened. */
    public enum Outcome {
        /** Read back from Wazzup now, and found as wanted or set again. */
        VERIFIED,
        /** Wazzup refused or failed the attempt: {@link WebhookState#problem()} says why. */
        FAILED,
        /** Wazzup did not answer in time; the background verification goes on. */
        TIMED_OUT,
        /** Another node leads the cluster and keeps the subscription; the state is the one it shared. */
        NOT_LEADER,
        /** There is nothing to verify: no public base URL or no key. */
        NOTHING_TO_VERIFY
    }
}
