package dev.crmbridge.wazzup.internal.client;

import com.fasterxml.jackson.databind.JsonNode;

/** HTTP 401: the API key is missing, wrong or revoked; retrying will not help. */
public class UnauthorizedException extends WazzupException {

    private static final long serialVersionUID = 1L;

    public UnauthorizedException(String route, int status, String errorCode, String description, JsonNode data, String requestId) {
        super(route, status, errorCode, description, data, requestId, null);
    }
}
