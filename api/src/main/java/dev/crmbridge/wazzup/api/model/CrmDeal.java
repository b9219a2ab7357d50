package dev.crmbridge.wazzup.api.model;

import java.util.List;
import java.util.Objects;

/**
 * A deal (an order, an opportunity) of one or more contacts, with one responsible user. Wazzup lists a
 * contact's deals, open and closed, in the chat window's Deals dropdown for their responsible user.
 *
 * @param id the CRM's id; not blank, at most 100 characters
 * @param responsibleUserId the id of the responsible {@link CrmUser}; not blank
 * @param name the deal's name; not blank, at most 200 characters are sent
 * @param contactIds the ids of the deal's contacts; at least one. Never null.
 * @param uri the link to the deal in the CRM (required by Wazzup); at most 200 characters
 * @param closed whether the deal is closed (won or lost); closed deals stay listed, marked closed
 * @param pipelineId the id of the deal's {@link Pipeline}, or {@code null}; informational
 * @param stageId the id of the deal's {@link Stage}, or {@code null}; informational
 * @since 1.0
 */
public record CrmDeal(String id, String responsibleUserId, String name, List<String> contactIds, String uri,
        boolean closed, String pipelineId, String stageId) {

    /**
     * Checks the required fields and copies the list.
     *
     * @throws NullPointerException if {@code id}, {@code responsibleUserId}, {@code name} or {@code uri} is null
     */
    public CrmDeal {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(responsibleUserId, "responsibleUserId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(uri, "uri");
        contactIds = contactIds == null ? List.of() : List.copyOf(contactIds);
    }

    /**
     * A deal without pipeline and stage.
     *
     * @param id the CRM's id
     * @param responsibleUserId the responsible user's id
     * @param name the name
     * @param contactIds the contacts' ids
     * @param uri the link to the deal in the CRM
     * @param closed whether it is closed
     */
    public CrmDeal(String id, String responsibleUserId, String name, List<String> contactIds, String uri, boolean closed) {
        this(id, responsibleUserId, name, contactIds, uri, closed, null, null);
    }
}
