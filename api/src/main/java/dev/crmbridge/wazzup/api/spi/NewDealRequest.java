package dev.crmbridge.wazzup.api.spi;

import java.util.List;
import java.util.Objects;

/**
 * Wazzup asks the CRM to create a deal for contacts (a new client, or "+" in the Deals dropdown).
 *
 * @param responsibleUserId the CRM user responsible for the deal; not null
 * @param contactIds the CRM ids of the deal's contacts, at least one; never null
 * @param source why Wazzup asks
 * @param pipelineId the pipeline the connector's configuration chooses for such deals, or {@code null}
 *     to let the host choose
 * @param stageId the stage the configuration chooses, or {@code null} to let the host choose
 * @since 1.0
 */
public record NewDealRequest(String responsibleUserId, List<String> contactIds, CreationSource source,
        String pipelineId, String stageId) {

    /**
     * Checks the fields and copies the list.
     *
     * @throws NullPointerException if {@code responsibleUserId}, {@code contactIds} or {@code source} is null
     */
    public NewDealRequest {
        Objects.requireNonNull(responsibleUserId, "responsibleUserId");
        Objects.requireNonNull(source, "source");
        contactIds = List.copyOf(contactIds);
    }
}
