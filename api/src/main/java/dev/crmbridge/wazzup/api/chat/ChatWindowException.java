package dev.crmbridge.wazzup.api.chat;

import java.util.Objects;

/**
 * Why a chat window or a counter could not be had. The message is meant for the person who clicked
 * (never a secret, never a stack of technical detail); {@link #reason()} is for the code.
 *
 * @since 1.0
 */
public class ChatWindowException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What went wrong, each with the HTTP status the connector's endpoint answers with. */
    public enum Reason {
        /** The connector has no API key yet (503). */
        NOT_CONFIGURED(503),
        /** The contact, deal or user is not in the CRM (404). */
        NOT_FOUND(404),
        /** The contact, or every contact of the deal, has no messenger chat handle (422). */
        NO_CHAT(422),
        /** Wazzup refused, e.g. the user is not synced to Wazzup yet (502). */
        REJECTED(502),
        /** Wazzup could not be reached or is busy; trying again later helps (503). */
        UNAVAILABLE(503),
        /**
         * Too many requests just now: the user opened windows faster than allowed, or the chat share of
         * the key's rate budget is in use; trying again in a few seconds helps (429).
         *
         * @since 1.1
         */
        BUSY(429);

        private final int status;

        Reason(int status) {
            this.status = status;
        }

        /**
         * The HTTP status the connector's endpoints answer for this reason.
         *
         * @return the status
         */
        public int httpStatus() {
            return status;
        }
    }

    private final Reason reason;

    /**
     * Creates the exception.
     *
     * @param reason what went wrong; not null
     * @param message what to tell the user
     */
    public ChatWindowException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * What went wrong.
     *
     * @return the reason; never null
     */
    public Reason reason() {
        return reason;
    }
}
