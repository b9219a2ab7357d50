package dev.crmbridge.wazzup.api.message;

/**
 * Where a message the CRM sent stands. A message moves {@link #QUEUED} → {@link #SENT} →
 * {@link #DELIVERED} → {@link #READ}, or ends {@link #FAILED}, {@link #ERROR} or {@link #UNKNOWN}.
 * Wazzup's statuses may arrive out of order; a status never moves back ({@code delivered} after
 * {@code read} leaves {@code READ}).
 *
 * @since 1.0
 */
public enum MessageStatus {
    /** Recorded; waiting for its turn, a channel, or Wazzup (an outage, the rate budget). */
    QUEUED,
    /** Wazzup accepted it ({@code 201}); its {@code messageId} is known, unless a retry met the duplicate guard. */
    SENT,
    /** The messenger delivered it (a {@code statuses} webhook). */
    DELIVERED,
    /** The customer read it (a {@code statuses} webhook). */
    READ,
    /** Wazzup accepted it but the messenger refused it (a {@code statuses} webhook with an error code). */
    ERROR,
    /** Wazzup refused it (a 4xx with a code such as {@code WRONG_TRANSPORT}); never tried again. */
    FAILED,
    /**
     * An attempt's answer was lost and Wazzup's 60-second duplicate guard has passed: sending again might
     * reach the customer twice, so the connector does not. The host decides (send it anew, or not).
     */
    UNKNOWN;

    /** Whether the message will not change any more by the connector's doing ({@link #READ} may still follow {@link #SENT}). */
    public boolean settled() {
        return this == READ || this == ERROR || this == FAILED || this == UNKNOWN;
    }
}
