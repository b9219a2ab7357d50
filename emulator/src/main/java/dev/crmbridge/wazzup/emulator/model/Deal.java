package dev.crmbridge.wazzup.emulator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A deal of the CRM (§4.1). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Deal(String id, String responsibleUserId, String name, List<String> contacts, String uri, boolean closed) {

    public Deal {
        contacts = List.copyOf(contacts);
    }
}
