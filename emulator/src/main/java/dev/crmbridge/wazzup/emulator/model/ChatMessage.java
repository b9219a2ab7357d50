package dev.crmbridge.wazzup.emulator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * One message of a chat. {@code echo} is false for a customer's message, true for an outgoing one;
 * {@code authorId} is the CRM user who wrote an outgoing message; {@code viaApi} tells a message sent
 * through {@code POST /v3/message}; {@code clearsUnanswered} is false for API sends with
 * {@code clearUnanswered:false}. {@code templateId} and {@code templateValues} are set for a WABA
 * template send (then {@code text} is the template's body filled in); {@code buttons} tells a message
 * sent with a {@code buttonsObject}; {@code edited} and {@code deleted} follow
 * {@code PATCH|DELETE /v3/message/{messageId}}, {@code oldInfo} keeps what an edit replaced;
 * {@code error} is set when {@code status} is {@code error}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatMessage(String messageId, String channelId, String chatType, String chatId, Instant dateTime,
        String type, String text, String contentUri, boolean echo, String status, String authorId, String authorName,
        String crmMessageId, boolean viaApi, boolean clearsUnanswered, String refMessageId, String templateId,
        List<String> templateValues, boolean buttons, boolean edited, boolean deleted, OldInfo oldInfo,
        MessageError error) {

    /** What an edit replaced (§8.4 {@code oldInfo}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record OldInfo(String oldText, String oldContentUri, String oldAuthorId, String oldAuthorName) {
    }

    /** Why a message failed (§8.4, §8.5 {@code error}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MessageError(String error, String description) {
    }

    public ChatMessage {
        templateValues = templateValues == null ? null : List.copyOf(templateValues);
    }

    /** A message without template, buttons, quote, edit or error. */
    public ChatMessage(String messageId, String channelId, String chatType, String chatId, Instant dateTime,
            String type, String text, String contentUri, boolean echo, String status, String authorId,
            String authorName, String crmMessageId, boolean viaApi, boolean clearsUnanswered) {
        this(messageId, channelId, chatType, chatId, dateTime, type, text, contentUri, echo, status, authorId,
                authorName, crmMessageId, viaApi, clearsUnanswered, null, null, null, false, false, false, null, null);
    }

    /** This message with another status (and no error). */
    public ChatMessage withStatus(String newStatus) {
        return withStatus(newStatus, null);
    }

    /** This message with another status and, for {@code error}, why. */
    public ChatMessage withStatus(String newStatus, MessageError newError) {
        return new ChatMessage(messageId, channelId, chatType, chatId, dateTime, type, text, contentUri, echo,
                newStatus, authorId, authorName, crmMessageId, viaApi, clearsUnanswered, refMessageId, templateId,
                templateValues, buttons, edited, deleted, oldInfo, newError);
    }

    /** This message edited: new text or file, possibly another author; the old ones kept in {@code oldInfo}. */
    public ChatMessage withEdit(String newType, String newText, String newContentUri, String newAuthorId,
            String newAuthorName) {
        OldInfo old = new OldInfo(text, contentUri, authorId, authorName);
        return new ChatMessage(messageId, channelId, chatType, chatId, dateTime, newType, newText, newContentUri, echo,
                status, newAuthorId, newAuthorName, crmMessageId, viaApi, clearsUnanswered, refMessageId, templateId,
                templateValues, buttons, true, deleted, old, error);
    }

    /** This message deleted. */
    public ChatMessage withDeleted() {
        return new ChatMessage(messageId, channelId, chatType, chatId, dateTime, type, text, contentUri, echo,
                status, authorId, authorName, crmMessageId, viaApi, clearsUnanswered, refMessageId, templateId,
                templateValues, buttons, edited, true, oldInfo, error);
    }
}
