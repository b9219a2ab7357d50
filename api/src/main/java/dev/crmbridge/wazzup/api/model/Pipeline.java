package dev.crmbridge.wazzup.api.model;

import java.util.List;
import java.util.Objects;

/**
 * A sales pipeline (funnel) with its stages. Wazzup's administrator picks one of them for the deals
 * Wazzup asks the CRM to create; Wazzup asks for new contacts and deals only once at least one
 * pipeline with stages is known.
 *
 * @param id the CRM's id; not blank, at most 100 characters
 * @param name the name; not blank, at most 100 characters
 * @param stages the stages in order; may be empty. Never null.
 * @since 1.0
 */
public record Pipeline(String id, String name, List<Stage> stages) {

    /**
     * Checks the fields and copies the list.
     *
     * @throws NullPointerException if {@code id} or {@code name} is null
     */
    public Pipeline {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        stages = stages == null ? List.of() : List.copyOf(stages);
    }
}
