package dev.crmbridge.wazzup.internal.client;

import java.util.List;

/**
 * {@code POST /v3/iframe} (§6.1): a chat window for one CRM user, of all their chats
 * ({@link #SCOPE_GLOBAL}) or of one card's chats ({@link #SCOPE_CARD} with a filter).
 */
public record ChatWindowRequest(User user, String scope, List<Chat> filter, Chat activeChat, Options options) {

    public static final String SCOPE_GLOBAL = "global";
    public static final String SCOPE_CARD = "card";

    /** The CRM user opening the window; {@code name} is sent too (older pages require it). */
    public record User(String id, String name) {
    }

    /**
     * A chat of the filter or the chat to open first. {@code name} names a chat Wazzup creates;
     * {@code channelId} only in {@code activeChat}.
     */
    public record Chat(String chatType, String chatId, String name, String username, String phone, String channelId) {
    }

    /** {@code options}: only needed to drive the Deals dropdown by postMessage events (§6.3). */
    public record Options(String clientType, Boolean useDealsEvents, Boolean useMessageEvents) {
    }

    public ChatWindowRequest {
        filter = filter == null || filter.isEmpty() ? null : List.copyOf(filter);
    }

    /** The global window of a user. */
    public static ChatWindowRequest global(User user, Options options) {
        return new ChatWindowRequest(user, SCOPE_GLOBAL, null, null, options);
    }

    /** The window of one card: its chats, the first one opened. */
    public static ChatWindowRequest card(User user, List<Chat> chats, Options options) {
        if (chats == null || chats.isEmpty()) {
            throw new IllegalArgumentException("a card window needs at least one chat");
        }
        Chat first = chats.get(0);
        return new ChatWindowRequest(user, SCOPE_CARD, chats,
                new Chat(first.chatType(), first.chatId(), null, first.username(), first.phone(), first.channelId()), options);
    }
}
