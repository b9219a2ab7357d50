package dev.crmbridge.wazzup.internal.client;

import java.util.List;

/** A contact as Wazzup holds it (§3.1). {@code uri} links back to the CRM card, or is null. */
public record WzContact(String id, String responsibleUserId, String name, List<WzChatHandle> contactData, String uri) {

    public WzContact {
        contactData = contactData == null ? List.of() : List.copyOf(contactData);
    }
}
