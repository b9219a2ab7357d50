package dev.crmbridge.wazzup.emulator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One message of a chat. {@code echo} is false for a customer's message, true for an outgoing one;
 * {@code authorId} is the CRM user who wrote an outgoing message; {@code viaApi} tells a message sent
 * through {@code POST /v3/message}; {@code clearsUnanswered} is false for API sends with
 * {@code clearUnanswered:false}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatMessage(String messageId, String channelId, String chatType, String chatId, Instant dateTime,
        String type, String text, String contentUri, boolean echo, String status, String authorId, String authorName,
        String crmMessageId, boolean viaApi, boolean clearsUnanswered) {

    /** This message with another status. */
    public ChatMessage withStatus(String newStatus) {
        return new ChatMessage(messageId, channelId, chatType, chatId, dateTime, type, text, contentUri, echo,
                newStatus, authorId, authorName, crmMessageId, viaApi, clearsUnanswered);
    }
}
