package dev.crmbridge.wazzup.api.message;

import java.time.Instant;

/**
 * A message the CRM sent, as the connector knows it now.
 *
 * @param id the CRM's id of the message (what {@link Messages#send} answered; Wazzup's {@code crmMessageId})
 * @param status where it stands
 * @param messageId Wazzup's id, once Wazzup accepted it (null before, and after a retry that met the
 *        duplicate guard, which does not tell it)
 * @param contactId the CRM contact it went to, or null for a raw chat
 * @param channelId the channel it went through, once chosen
 * @param chatType the chat's type, once known
 * @param chatId the chat's id, once known (Wazzup's for a Telegram send by phone or username)
 * @param errorCode Wazzup's code when {@link MessageStatus#FAILED} or {@link MessageStatus#ERROR}, else null
 * @param errorDescription Wazzup's words for it, or the connector's, or null
 * @param attempts how many times the connector sent it to Wazzup
 * @param queuedAt when {@link Messages#send} recorded it
 * @param updatedAt when its status last changed
 * @since 1.0
 */
public record MessageState(String id, MessageStatus status, String messageId, String contactId, String channelId,
        String chatType, String chatId, String errorCode, String errorDescription, int attempts, Instant queuedAt,
        Instant updatedAt) {
}
