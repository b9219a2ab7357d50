package dev.crmbridge.wazzup.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small JSON client for the tests: real HTTP to the emulator on loopback. */
final class Http {

    static final ObjectMapper MAPPER = new ObjectMapper();

    /** One answer: status, raw body and the body parsed (null when empty or not JSON). */
    record Answer(int status, String body, JsonNode json, HttpResponse<String> raw) {
        String error() {
            return json == null ? null : json.path("error").asText(null);
        }
    }

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private String key;

    Http(URI base, String key) {
        this.base = base;
        this.key = key;
    }

    Http withKey(String newKey) {
        Http h = new Http(base, newKey);
        return h;
    }

    Answer get(String path) {
        return send("GET", path, null);
    }

    Answer delete(String path) {
        return send("DELETE", path, null);
    }

    Answer post(String path, Object body) {
        return send("POST", path, body);
    }

    Answer patch(String path, Object body) {
        return send("PATCH", path, body);
    }

    Answer put(String path, Object body) {
        return send("PUT", path, body);
    }

    /** Body: a String is sent as is, anything else as JSON. */
    Answer send(String method, String path, Object body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
            if (key != null) {
                b.header("Authorization", key.contains(" ") ? key : "Bearer " + key);
            }
            if (body == null) {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                String text = body instanceof String s ? s : MAPPER.writeValueAsString(body);
                b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(text));
            }
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            try {
                json = r.body().isEmpty() ? null : MAPPER.readTree(r.body());
            } catch (IOException notJson) {
                json = null;
            }
            return new Answer(r.statusCode(), r.body(), json, r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
