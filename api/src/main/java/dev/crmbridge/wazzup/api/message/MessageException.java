package dev.crmbridge.wazzup.api.message;

/**
 * Wazzup refused an edit or a delete, or could not be asked. The message never carries a secret.
 *
 * @since 1.0
 */
public class MessageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String code;

    public MessageException(String code, String message) {
        super(message);
        this.code = code;
    }

    /** Wazzup's error code (e.g. {@code MESSAGES_EDITING_TIME_EXPIRED}), or null when Wazzup gave none or was not reached. */
    public String code() {
        return code;
    }
}
