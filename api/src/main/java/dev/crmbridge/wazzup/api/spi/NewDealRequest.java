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
 * @param requestKey a key that stays the same for the same request (Wazzup repeating it within two
 *     minutes, or the connector asking again because it could not record the answer): a factory that
 *     remembers it returns the deal it made for it instead of making another. At most 400 characters;
 *     {@code null} for requests without one (a click of "+" handled by the page). Since 1.1.
 * @since 1.0
 */
public record NewDealRequest(String responsibleUserId, List<String> contactIds, CreationSource source,
        String pipelineId, String stageId, String requestKey) {

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

    /**
     * A request without a key.
     *
     * @param responsibleUserId the responsible CRM user; not null
     * @param contactIds the deal's contacts; not null
     * @param source why Wazzup asks; not null
     * @param pipelineId the configured pipeline, or {@code null}
     * @param stageId the configured stage, or {@code null}
     */
    public NewDealRequest(String responsibleUserId, List<String> contactIds, CreationSource source, String pipelineId,
            String stageId) {
        this(responsibleUserId, contactIds, source, pipelineId, stageId, null);
    }
}
