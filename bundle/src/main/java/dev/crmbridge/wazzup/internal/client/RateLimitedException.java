package dev.crmbridge.wazzup.internal.client;

import com.fasterxml.jackson.databind.JsonNode;

/** HTTP 429: Wazzup kept answering 429 after the client waited and retried. */
public class RateLimitedException extends WazzupException {

    private static final long serialVersionUID = 1L;

    public RateLimitedException(String route, int status, String errorCode, String description, JsonNode data, String requestId) {
        super(route, status, errorCode, description, data, requestId, null);
    }
}
