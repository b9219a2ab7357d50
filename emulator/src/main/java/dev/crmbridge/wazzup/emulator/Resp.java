package dev.crmbridge.wazzup.emulator;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** An answer to write: status, content type, body and extra headers; or a dropped connection. */
final class Resp {

    static final String JSON = "application/json; charset=utf-8";
    static final String HTML = "text/html; charset=utf-8";

    final int status;
    final String contentType;
    final byte[] body;
    final Map<String, String> headers = new LinkedHashMap<>();
    final boolean drop;

    private Resp(int status, String contentType, byte[] body, boolean drop) {
        this.status = status;
        this.contentType = contentType;
        this.body = body == null ? new byte[0] : body;
        this.drop = drop;
    }

    static Resp json(int status, Object value) {
        return new Resp(status, JSON, Json.bytes(value), false);
    }

    /** A JSON-typed answer with this exact text (e.g. Wazzup's non-JSON {@code { ok }}). */
    static Resp raw(int status, String contentType, String text) {
        return new Resp(status, contentType, text.getBytes(StandardCharsets.UTF_8), false);
    }

    static Resp empty(int status) {
        return new Resp(status, null, null, false);
    }

    static Resp html(int status, String html) {
        return new Resp(status, HTML, html.getBytes(StandardCharsets.UTF_8), false);
    }

    static Resp redirect(String location) {
        Resp r = new Resp(303, null, null, false);
        r.headers.put("Location", location);
        return r;
    }

    static Resp found(String location) {
        Resp r = new Resp(302, null, null, false);
        r.headers.put("Location", location);
        return r;
    }

    static Resp error(ApiError e) {
        return json(e.status, e.body());
    }

    /** Close the connection without answering. */
    static Resp dropConnection() {
        return new Resp(0, null, null, true);
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
