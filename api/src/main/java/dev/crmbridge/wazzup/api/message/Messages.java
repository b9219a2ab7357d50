package dev.crmbridge.wazzup.api.message;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Sends messages from the CRM through Wazzup. Registered by the connector while it is configured; in a
 * cluster every node offers it, and the leader sends.
 *
 * <pre>{@code
 * @Reference Messages messages;
 *
 * String id = messages.send(OutgoingMessage.toContact(contactId)
 *         .text("Your order 1042 has shipped")
 *         .build());
 * // later: a dev/crmbridge/wazzup/message/STATUS_CHANGED event with crmMessageId = id, outcome = SENT …
 * }</pre>
 *
 * @since 1.0
 */
@ProviderType
public interface Messages {

    /**
     * Records the message durably and answers at once; the connector sends it later, in the order sends to
     * one chat were made, under the key's rate budget. A {@link MessageStatus#QUEUED} event follows.
     * Calling again with the id of a message already recorded records nothing and answers the same id.
     *
     * @return the CRM's id of the message: {@link OutgoingMessage#id()}, or a new UUID
     * @throws IllegalArgumentException when the message names no recipient or no content
     * @throws IllegalStateException when the connector's store cannot record it now (nothing was recorded)
     */
    String send(OutgoingMessage message);

    /** The message as the connector knows it now, or empty for an id it never recorded (or purged). */
    Optional<MessageState> state(String id);

    /** The latest messages the CRM sent, newest first; at most {@code limit}. */
    List<MessageState> recent(int limit);

    /**
     * Changes the text of a sent message ({@code PATCH /v3/message/{messageId}}). Wazzup allows it within a
     * time it does not publish, not on WhatsApp Business channels, and not for messages with buttons.
     *
     * @param crmUserId the CRM user shown as the editor, or null
     * @return completes when Wazzup accepted the edit; fails with {@link MessageException} carrying Wazzup's
     *         code, or {@link IllegalStateException} when the message is not sent (yet)
     */
    CompletionStage<Void> edit(String id, String text, String crmUserId);

    /**
     * Deletes a sent message for the customer too ({@code DELETE /v3/message/{messageId}}), within a time
     * Wazzup does not publish; not on WhatsApp Business channels.
     *
     * @return completes when Wazzup accepted it; fails like {@link #edit}
     */
    CompletionStage<Void> delete(String id);
}
