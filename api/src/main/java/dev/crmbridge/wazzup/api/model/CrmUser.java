package dev.crmbridge.wazzup.api.model;

import java.util.Objects;

/**
 * A CRM employee who works with Wazzup chats (a manager, a supervisor). Wazzup knows users by the
 * CRM's id: contacts and deals name their responsible user by it, and chat windows and counters are
 * per user.
 *
 * @param id the CRM's id of the user; not blank. Wazzup allows 200 characters; keep it within 64.
 * @param name the name shown in Wazzup as the sender of the user's messages; not blank, at most 150
 *     characters are sent
 * @param phone the user's mobile number, or {@code null}; only needed to let the user into Wazzup's
 *     mobile app. Any format: the connector keeps the digits. Phones must be unique among users.
 * @since 1.0
 */
public record CrmUser(String id, String name, String phone) {

    /**
     * Checks the required fields.
     *
     * @throws NullPointerException if {@code id} or {@code name} is null
     */
    public CrmUser {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
    }
}
