package dev.crmbridge.wazzup.emulator.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A sales funnel (§5). The id is kept as the CRM sent it (string or number) and given back the same
 * way; {@code stages} is null when the CRM omitted it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Pipeline(@JsonIgnore String id, @JsonIgnore boolean numericId, String name, List<Stage> stages) {

    public Pipeline {
        stages = stages == null ? null : List.copyOf(stages);
    }

    /** The id as JSON renders it: a number when the CRM sent a number. */
    @JsonProperty("id")
    public Object jsonId() {
        return numericId ? new java.math.BigDecimal(id) : id;
    }

    /** Whether the funnel has at least one stage. */
    public boolean hasStages() {
        return stages != null && !stages.isEmpty();
    }
}
