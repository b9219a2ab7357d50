package dev.crmbridge.wazzup.internal.client;

import com.fasterxml.jackson.databind.JsonNode;

/** HTTP 404: the entity does not exist at Wazzup. */
public class NotFoundException extends WazzupException {

    private static final long serialVersionUID = 1L;

    public NotFoundException(String route, int status, String errorCode, String description, JsonNode data, String requestId) {
        super(route, status, errorCode, description, data, requestId, null);
    }
}
