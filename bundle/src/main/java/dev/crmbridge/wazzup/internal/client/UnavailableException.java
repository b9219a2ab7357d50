package dev.crmbridge.wazzup.internal.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Wazzup could not be reached or kept failing (5xx, connection errors, timeouts) after the client's
 * retries. Worth retrying later; for a non-idempotent call, the request may or may not have arrived.
 */
public class UnavailableException extends WazzupException {

    private static final long serialVersionUID = 1L;

    public UnavailableException(String route, int status, String errorCode, String description, JsonNode data,
            String requestId, Throwable cause) {
        super(route, status, errorCode, description, data, requestId, cause);
    }
}
