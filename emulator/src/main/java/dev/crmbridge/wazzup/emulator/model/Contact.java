package dev.crmbridge.wazzup.emulator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A customer of the CRM (§3.1). {@code uri} is null when the CRM sent none. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Contact(String id, String responsibleUserId, String name, List<ContactData> contactData, String uri) {

    public Contact {
        contactData = List.copyOf(contactData);
    }

    /** Whether one of the contact's handles denotes the chat. */
    public boolean hasChat(String chatType, String chatId) {
        return contactData.stream().anyMatch(d -> d.matches(chatType, chatId));
    }
}
