package dev.crmbridge.wazzup.internal.client;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP request as the transport sends it. {@code toString} omits header values, which carry the
 * API key.
 *
 * @param method upper-case HTTP method
 * @param uri absolute URI
 * @param headers header names to values
 * @param body the JSON body, or {@code null} for none
 * @param timeout how long the whole exchange may take, or {@code null} for the transport's timeouts
 */
public record TransportRequest(String method, URI uri, Map<String, String> headers, byte[] body, Duration timeout) {

    public TransportRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        headers = Map.copyOf(headers);
    }

    /** A request bounded by the transport's own timeouts only. */
    public TransportRequest(String method, URI uri, Map<String, String> headers, byte[] body) {
        this(method, uri, headers, body, null);
    }

    /** This request, answered within {@code limit} in all or abandoned (an interactive call's deadline). */
    public TransportRequest within(Duration limit) {
        return new TransportRequest(method, uri, headers, body, limit);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TransportRequest r && method.equals(r.method) && uri.equals(r.uri)
                && headers.equals(r.headers) && Arrays.equals(body, r.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(method, uri, headers, Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        return method + " " + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                + " headers=" + headers.keySet() + " body=" + (body == null ? 0 : body.length) + "B";
    }
}
