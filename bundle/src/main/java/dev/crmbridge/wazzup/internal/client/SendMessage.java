package dev.crmbridge.wazzup.internal.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v3/message} (§10.2). Either {@code text}, {@code contentUri} or a template.
 * {@code crmMessageId} is the duplicate guard: the client sets a random one when it is null, and retries
 * only with it. {@code clearUnanswered} null leaves Wazzup's default (reset the counter).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SendMessage(String channelId, String chatType, String chatId, String text, String contentUri,
        String refMessageId, String crmUserId, String crmMessageId, String username, String phone,
        Boolean clearUnanswered, String templateId, List<String> templateValues, Map<String, Object> buttonsObject) {

    public SendMessage(String channelId, String chatType, String chatId, String text, String contentUri,
            String refMessageId, String crmUserId, String crmMessageId, String username, String phone,
            Boolean clearUnanswered) {
        this(channelId, chatType, chatId, text, contentUri, refMessageId, crmUserId, crmMessageId, username, phone,
                clearUnanswered, null, null, null);
    }

    /** A text to a chat. */
    public static SendMessage text(String channelId, String chatType, String chatId, String text) {
        return new SendMessage(channelId, chatType, chatId, text, null, null, null, null, null, null, null);
    }

    public SendMessage withCrmMessageId(String id) {
        return new SendMessage(channelId, chatType, chatId, text, contentUri, refMessageId, crmUserId, id, username,
                phone, clearUnanswered, templateId, templateValues, buttonsObject);
    }

    public SendMessage withCrmUserId(String userId) {
        return new SendMessage(channelId, chatType, chatId, text, contentUri, refMessageId, userId, crmMessageId,
                username, phone, clearUnanswered, templateId, templateValues, buttonsObject);
    }
}
