package dev.crmbridge.wazzup.internal.client;

import com.fasterxml.jackson.databind.JsonNode;

/** HTTP 403: this key may not use the route (for example a sidecar key, §1.2). */
public class ForbiddenException extends WazzupException {

    private static final long serialVersionUID = 1L;

    public ForbiddenException(String route, int status, String errorCode, String description, JsonNode data, String requestId) {
        super(route, status, errorCode, description, data, requestId, null);
    }
}
