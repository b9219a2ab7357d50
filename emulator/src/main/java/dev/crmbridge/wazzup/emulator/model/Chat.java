package dev.crmbridge.wazzup.emulator.model;

import java.util.List;

/** A dialogue with one customer handle, with its messages oldest first. */
public record Chat(String chatType, String chatId, String channelId, String name, List<ChatMessage> messages) {

    public Chat {
        messages = List.copyOf(messages);
    }
}
