package dev.crmbridge.wazzup.internal.store;

import java.util.List;

/**
 * What the connector remembers of a synced contact or deal, to tell webhook events whose chat they are:
 * the responsible user, a contact's chat keys ({@code chatType:chatId}), a deal's contact ids.
 */
public record Refs(String owner, List<String> chatKeys, List<String> contactIds) {

    public Refs {
        chatKeys = chatKeys == null ? List.of() : List.copyOf(chatKeys);
        contactIds = contactIds == null ? List.of() : List.copyOf(contactIds);
    }

    /** The key of a chat in {@code wz_chat}. */
    public static String chatKey(String chatType, String chatId) {
        return chatType + ":" + chatId;
    }
}
