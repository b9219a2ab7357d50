package dev.crmbridge.wazzup.api.spi;

import java.util.Objects;

/**
 * A signed-in CRM user, as {@link CrmSession} finds them.
 *
 * @param id the user's CRM id, the same as in {@link dev.crmbridge.wazzup.api.model.CrmUser#id()}; not null
 * @param name the name to show (Wazzup shows it as the sender); not null
 * @param administrator whether the user may administer the connector (connect an account by button)
 * @since 1.0
 */
public record SessionUser(String id, String name, boolean administrator) {

    /**
     * Checks the fields.
     *
     * @throws NullPointerException if {@code id} or {@code name} is null
     * @throws IllegalArgumentException if {@code id} is blank
     */
    public SessionUser {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        if (id.isBlank()) {
            throw new IllegalArgumentException("id is blank");
        }
    }
}
