package dev.crmbridge.wazzup.internal.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP answer, fully read.
 *
 * @param status HTTP status code
 * @param headers header names (lower case) to values; the last value wins for repeated headers
 * @param body the body, empty when there is none
 */
public record TransportResponse(int status, Map<String, String> headers, byte[] body) {

    public TransportResponse {
        headers = Map.copyOf(headers);
        body = body == null ? new byte[0] : body;
    }

    /** A header value by case-insensitive name, or {@code null}. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The body decoded as UTF-8. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TransportResponse r && status == r.status && headers.equals(r.headers)
                && Arrays.equals(body, r.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, headers, Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        return "TransportResponse[" + status + ", " + body.length + "B]";
    }
}
