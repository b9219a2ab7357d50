package dev.crmbridge.wazzup.api.chat;

import java.time.Instant;
import java.util.Objects;

/**
 * A user's unanswered-messages counter.
 *
 * @param count unanswered customer messages over the last seven days, zero or more
 * @param colour {@link Colour#RED} when they are the user's own clients to answer, {@link Colour#GREY}
 *     when the user only oversees them, {@link Colour#NONE} when the count is zero or Wazzup did not say
 * @param lastMessageAt when the latest unanswered message came, or {@code null}
 * @param asOf when Wazzup was asked; older than the cache time when Wazzup could not be reached since
 * @since 1.0
 */
public record Unanswered(int count, Colour colour, Instant lastMessageAt, Instant asOf) {

    /** How the badge should look. */
    public enum Colour {
        /** The user is expected to answer. */
        RED,
        /** Others are expected to answer; the user sees them as a supervisor or in quality control. */
        GREY,
        /** Nothing to show in colour. */
        NONE
    }

    /**
     * Checks the fields.
     *
     * @throws NullPointerException if {@code colour} or {@code asOf} is null
     * @throws IllegalArgumentException if {@code count} is negative
     */
    public Unanswered {
        Objects.requireNonNull(colour, "colour");
        Objects.requireNonNull(asOf, "asOf");
        if (count < 0) {
            throw new IllegalArgumentException("count < 0");
        }
    }
}
