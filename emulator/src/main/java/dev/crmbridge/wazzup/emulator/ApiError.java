package dev.crmbridge.wazzup.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An error answer in Wazzup's format: {@code {error, description, data}}; message routes add
 * {@code status} and {@code requestId} (§1.3).
 */
final class ApiError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    final int status;
    final String code;
    final transient Object data;
    final boolean withRequestId;

    ApiError(int status, String code, String description, Object data, boolean withRequestId) {
        super(description);
        this.status = status;
        this.code = code;
        this.data = data;
        this.withRequestId = withRequestId;
    }

    static ApiError of(int status, String code, String description) {
        return new ApiError(status, code, description, null, false);
    }

    static ApiError withData(int status, String code, String description, Object data) {
        return new ApiError(status, code, description, data, false);
    }

    /** An error of the message routes (§10.4), which carry {@code status} and {@code requestId}. */
    static ApiError message(String code, String description, Object data) {
        return new ApiError(400, code, description, data, true);
    }

    static ApiError notFound(String what) {
        return of(404, "NOT_FOUND", what + " not found");
    }

    ObjectNode body() {
        ObjectNode node = Json.MAPPER.createObjectNode();
        if (withRequestId) {
            node.put("status", status);
            node.put("requestId", Ids.hex32());
        }
        node.put("error", code);
        node.put("description", getMessage());
        if (data != null) {
            node.set("data", Json.MAPPER.valueToTree(data));
        }
        return node;
    }
}
