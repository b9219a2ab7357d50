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
 * @param requestKey a key that stays the same for the same request: when Wazzup repeats it, or when the
 *     connector asks again because it could not record the answer (it stopped, its store failed). A
 *     factory that remembers the key with what it made (a column, a map) returns that entity instead of
 *     making another. At most 400 characters; {@code null} for requests the connector did not make.
 *     Since 1.1.
 * @since 1.0
 */
public record NewContactRequest(String responsibleUserId, String name, List<ChatHandle> chats, CreationSource source,
        String requestKey) {

    /**
     * Checks the fields and copies the list.
     *
     * @throws NullPointerException if a field other than {@code requestKey} is null
     */
    public NewContactRequest {
        Objects.requireNonNull(responsibleUserId, "responsibleUserId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        chats = List.copyOf(chats);
    }

    /**
     * A request without a key.
     *
     * @param responsibleUserId the responsible CRM user; not null
     * @param name the client's name; not null
     * @param chats the client's chat handles; not null
     * @param source why Wazzup asks; not null
     */
    public NewContactRequest(String responsibleUserId, String name, List<ChatHandle> chats, CreationSource source) {
        this(responsibleUserId, name, chats, source, null);
    }
}
