package dev.crmbridge.wazzup.internal.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A call to Wazzup failed. Carries what Wazzup said: HTTP status (0 when no answer arrived), error
 * code, description, {@code data} and request id; and which route failed. Subclasses say what the
 * caller can do. The message never contains the API key, a header or a request body.
 */
public class WazzupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String route;
    private final int status;
    private final String errorCode;
    private final String description;
    private final transient JsonNode data;
    private final String requestId;

    public WazzupException(String route, int status, String errorCode, String description, JsonNode data,
            String requestId, Throwable cause) {
        this(route, status, errorCode, description, data, requestId, cause, "");
    }

    /** With {@code detail} appended to the message (not to {@link #description()}). */
    protected WazzupException(String route, int status, String errorCode, String description, JsonNode data,
            String requestId, Throwable cause, String detail) {
        super(message(route, status, errorCode, description, requestId) + detail, cause);
        this.route = route;
        this.status = status;
        this.errorCode = errorCode;
        this.description = description;
        this.data = data;
        this.requestId = requestId;
    }

    private static String message(String route, int status, String code, String description, String requestId) {
        StringBuilder b = new StringBuilder(route).append(" → ");
        b.append(status == 0 ? "no answer" : Integer.toString(status));
        if (code != null) {
            b.append(' ').append(code);
        }
        if (description != null) {
            b.append(": ").append(description);
        }
        if (requestId != null) {
            b.append(" (requestId ").append(requestId).append(')');
        }
        return b.toString();
    }

    /** The route, e.g. {@code POST /v3/contacts}. */
    public String route() {
        return route;
    }

    /** HTTP status, or 0 when no answer arrived. */
    public int status() {
        return status;
    }

    /** Wazzup's error code as sent, or null. Compare with {@link ErrorCodes#same}. */
    public String errorCode() {
        return errorCode;
    }

    public String description() {
        return description;
    }

    /** The {@code data} of the error body, or null. */
    public JsonNode data() {
        return data;
    }

    /** The request id of message-route errors, or null. */
    public String requestId() {
        return requestId;
    }

    /** Whether this code is Wazzup's {@code code} (case and underscores ignored, §1.3). */
    public boolean is(String code) {
        return ErrorCodes.same(errorCode, code);
    }
}
