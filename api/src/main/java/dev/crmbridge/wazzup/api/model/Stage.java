package dev.crmbridge.wazzup.api.model;

import java.util.Objects;

/**
 * A stage of a sales pipeline.
 *
 * @param id the CRM's id; not blank, at most 100 characters
 * @param name the name shown in Wazzup's integration settings; not blank, at most 100 characters
 * @since 1.0
 */
public record Stage(String id, String name) {

    /**
     * Checks the fields.
     *
     * @throws NullPointerException if {@code id} or {@code name} is null
     */
    public Stage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
    }
}
