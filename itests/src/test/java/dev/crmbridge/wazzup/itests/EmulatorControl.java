package dev.crmbridge.wazzup.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The emulator's control routes over HTTP, for tests inside the framework: accounts, their state, the
 * request journal and faults.
 */
final class EmulatorControl {

    static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    EmulatorControl(String baseUrl) {
        this.base = URI.create(baseUrl);
    }

    /** The emulator the test JVM started (its URL is a system property set by the configuration). */
    static EmulatorControl fromSystemProperty() {
        String url = System.getProperty(WazzupTestSupport.EMULATOR_URL);
        if (url == null) {
            throw new IllegalStateException("no emulator: add emulator() to the configuration");
        }
        return new EmulatorControl(url);
    }

    String baseUrl() {
        return base.toString();
    }

    /** A new account with a fresh API key; answers {@code [accountId, apiKey]}. */
    String[] createAccount() {
        JsonNode a = send("POST", "/__emulator/accounts", "{}");
        return new String[] {a.get("accountId").asText(), a.get("apiKey").asText()};
    }

    /** The whole state of an account. */
    JsonNode account(String id) {
        return send("GET", "/__emulator/accounts/" + id, null);
    }

    /** Journal entries of an account, optionally of one route (e.g. {@code POST /v3/contacts}). */
    List<JsonNode> journal(String accountId, String route) {
        String q = "?" + (accountId == null ? "" : "accountId=" + enc(accountId)) + (route == null ? "" : "&route=" + enc(route));
        List<JsonNode> out = new ArrayList<>();
        send("GET", "/__emulator/journal" + q, null).forEach(out::add);
        return out;
    }

    long requests(String accountId, String route) {
        return journal(accountId, route).size();
    }

    void outage(Duration d, int status) {
        send("POST", "/__emulator/faults", json(Map.of("outageMillis", d.toMillis(), "status", status)));
    }

    void fault(String route, int times, int status) {
        send("POST", "/__emulator/faults", json(Map.of("route", route, "times", times, "status", status)));
    }

    /** The next {@code times} answers of a route come {@code millis} late. */
    void delay(String route, int times, long millis) {
        send("POST", "/__emulator/faults", json(Map.of("route", route, "times", times, "delayMillis", millis)));
    }

    /** Drops every queued fault and ends any outage: faults are emulator-wide, not per account. */
    void clearFaults() {
        send("DELETE", "/__emulator/faults", null);
    }

    JsonNode send(String method, String path, String body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (body != null) {
                b.header("Content-Type", "application/json");
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300) {
                throw new IllegalStateException(method + " " + path + " → " + r.statusCode() + " " + r.body());
            }
            return r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
