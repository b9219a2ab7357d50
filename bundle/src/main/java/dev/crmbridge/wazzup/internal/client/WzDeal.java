package dev.crmbridge.wazzup.internal.client;

import java.util.List;

/** A deal as Wazzup holds it (§4.1): its contacts' ids, a link back to the CRM and the closed flag. */
public record WzDeal(String id, String responsibleUserId, String name, List<String> contacts, String uri, boolean closed) {

    public WzDeal {
        contacts = contacts == null ? List.of() : List.copyOf(contacts);
    }
}
