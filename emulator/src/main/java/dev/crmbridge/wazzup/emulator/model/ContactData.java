package dev.crmbridge.wazzup.emulator.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One messenger handle of a contact (§3.1). {@code chatId} may be null for Telegram with a username or phone. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ContactData(String chatType, String chatId, String username, String phone) {

    /** Whether this handle denotes the chat {@code chatType}/{@code chatId}. */
    public boolean matches(String type, String id) {
        return chatType.equals(type) && id != null && (id.equals(chatId) || id.equals(username) || id.equals(phone));
    }
}
