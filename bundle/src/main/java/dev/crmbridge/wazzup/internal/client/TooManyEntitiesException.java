package dev.crmbridge.wazzup.internal.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** HTTP 400 {@code TOO_MANY_ENTITIES}: more than 100 items in one request (the client splits, so rare). */
public class TooManyEntitiesException extends InvalidDataException {

    private static final long serialVersionUID = 1L;

    public TooManyEntitiesException(String route, int status, String errorCode, String description, JsonNode data,
            String requestId) {
        super(route, status, errorCode, description, data, requestId, List.of(), List.of());
    }
}
