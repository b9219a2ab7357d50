package dev.crmbridge.wazzup.internal.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** {@code GET /v3/unanswered/{userId}} (§7.2): an interactive call (answered within the response timeout or failed). */
public final class UnansweredApi {

    private final Requester requester;

    UnansweredApi(Requester requester) {
        this.requester = requester;
    }

    /** The counter of a CRM user; {@code counterV2}, else the legacy {@code counter}. */
    public UnansweredCounter get(String userId) {
        return requester.interactive(new Requester.Call("GET /v3/unanswered/{userId}", "GET",
                "/v3/unanswered/" + EntityApi.segment(userId), null, Requester.Retry.IDEMPOTENT, true), r -> {
                    if (r.body().length == 0) {
                        return UnansweredCounter.ZERO;
                    }
                    JsonNode n = Json.mapper().readTree(r.body());
                    JsonNode count = n.hasNonNull("counterV2") ? n.get("counterV2") : n.get("counter");
                    String type = n.hasNonNull("type") && !n.get("type").asText().isBlank() ? n.get("type").asText() : null;
                    return new UnansweredCounter(count == null ? 0 : count.asInt(0), type,
                            instant(n.path("lastMsgDateTime").asText(null)));
                });
    }

    static Instant instant(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e2) {
                return null; // an unreadable time is not worth failing the counter for
            }
        }
    }
}
