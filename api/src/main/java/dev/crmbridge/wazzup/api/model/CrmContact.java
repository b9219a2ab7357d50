package dev.crmbridge.wazzup.api.model;

import java.util.List;
import java.util.Objects;

/**
 * A customer of the CRM, with the messenger accounts Wazzup should connect to the contact's card.
 * The responsible user decides whose Wazzup chat list shows the customer's dialogues.
 *
 * @param id the CRM's id; not blank, at most 100 characters
 * @param responsibleUserId the id of the responsible {@link CrmUser}; not blank
 * @param name the contact's name; not blank, at most 200 characters are sent
 * @param chats the contact's messenger handles; a contact without any is not sent to Wazzup (it
 *     requires at least one). Never null: {@code null} becomes an empty list.
 * @param uri the link to the contact's card in the CRM, shown in Wazzup's Deals dropdown, or
 *     {@code null}; at most 200 characters
 * @since 1.0
 */
public record CrmContact(String id, String responsibleUserId, String name, List<ChatHandle> chats, String uri) {

    /**
     * Checks the required fields and copies the list.
     *
     * @throws NullPointerException if {@code id}, {@code responsibleUserId} or {@code name} is null
     */
    public CrmContact {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(responsibleUserId, "responsibleUserId");
        Objects.requireNonNull(name, "name");
        chats = chats == null ? List.of() : List.copyOf(chats);
    }
}
