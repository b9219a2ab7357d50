package dev.crmbridge.wazzup.emulator;

import dev.crmbridge.wazzup.emulator.model.ContactData;
import java.time.Instant;
import java.util.List;

/**
 * What a {@code POST /v3/iframe} asked for (§6.1): the chat window the returned URL opens.
 *
 * @param filter the card's chats (empty for scope {@code global})
 * @param activeChat the chat to open first, or null
 */
public record IframeSession(String token, String accountId, String userId, String userName, String scope,
        List<ContactData> filter, ContactData activeChat, String activeChannelId, boolean useDealsEvents,
        boolean useMessageEvents, String clientType, Instant created) {

    public IframeSession {
        filter = List.copyOf(filter);
    }
}
