package dev.crmbridge.wazzup.api.chat;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The unanswered-messages counter of a CRM user: customer messages nobody answered in the last seven
 * days (opening a chat does not reset it; a reply or "no reply needed" does). Registered by the
 * connector while it is configured. Values are cached per user for a short time (configuration
 * {@code counterTtlSeconds}) and refreshed when a customer writes; concurrent calls for one user make
 * one request to Wazzup.
 *
 * @since 1.0
 */
@ProviderType
public interface UnansweredCounters {

    /**
     * The user's counter.
     *
     * @param userId the CRM id of the user
     * @return the counter; never null
     * @throws ChatWindowException when Wazzup cannot be asked and no earlier value is known
     */
    Unanswered of(String userId);

    /**
     * The live counter's streams on this node.
     *
     * @return the streams' figures; {@link CounterStreams#OFF} when streaming is off
     * @since 1.2
     */
    default CounterStreams streams() {
        return CounterStreams.OFF;
    }
}
