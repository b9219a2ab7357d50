package dev.crmbridge.wazzup.internal.client;

/**
 * One messenger handle of a contact ({@code contactData[]}, §3.1): {@code chatType} is an open set
 * (unknown values are kept); {@code chatId} may be null for Telegram with a username or phone.
 */
public record WzChatHandle(String chatType, String chatId, String username, String phone) {

    /** A handle with just a chat type and id. */
    public static WzChatHandle of(String chatType, String chatId) {
        return new WzChatHandle(chatType, chatId, null, null);
    }
}
