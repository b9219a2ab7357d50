package dev.crmbridge.wazzup.api.spi;

import dev.crmbridge.wazzup.api.model.ChatHandle;
import java.util.List;
import java.util.Objects;

/**
 * Wazzup asks the CRM to create a contact for a new client's chat.
 *
 * @param responsibleUserId the CRM user Wazzup gives the client to (chosen in turn, or the first to
 *     answer); not null
 * @param name the client's name as the messenger shows it (for WhatsApp often the number); not null
 * @param chats the client's chat handles, at least one; never null
 * @param source why Wazzup asks
 * @since 1.0
 */
public record NewContactRequest(String responsibleUserId, String name, List<ChatHandle> chats, CreationSource source) {

    /**
     * Checks the fields and copies the list.
     *
     * @throws NullPointerException if a field is null
     */
    public NewContactRequest {
        Objects.requireNonNull(responsibleUserId, "responsibleUserId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        chats = List.copyOf(chats);
    }
}
