package dev.crmbridge.wazzup.internal.config;

import dev.crmbridge.wazzup.api.IntegrationScheme;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * The validated form of {@link ConnectorConfiguration}: what the rest of the plugin reads. Its
 * {@code toString} never shows the API key.
 */
public final class ConnectorSettings {

    private final String apiKey;
    private final URI apiBaseUrl;
    private final IntegrationScheme scheme;
    private final Duration connectTimeout;
    private final Duration responseTimeout;

    private ConnectorSettings(String apiKey, URI apiBaseUrl, IntegrationScheme scheme,
            Duration connectTimeout, Duration responseTimeout) {
        this.apiKey = apiKey;
        this.apiBaseUrl = apiBaseUrl;
        this.scheme = scheme;
        this.connectTimeout = connectTimeout;
        this.responseTimeout = responseTimeout;
    }

    /**
     * Validates a configuration.
     *
     * @throws IllegalArgumentException naming the attribute that is wrong (never its secret value)
     */
    public static ConnectorSettings from(ConnectorConfiguration config) {
        String key = config.apiKey() == null ? "" : config.apiKey().trim();
        URI base = parseBaseUrl(config.apiBaseUrl());
        IntegrationScheme scheme = Objects.requireNonNullElse(config.scheme(), IntegrationScheme.CLIENT_MANAGEMENT);
        return new ConnectorSettings(key, base, scheme,
                seconds("connectTimeoutSeconds", config.connectTimeoutSeconds(), 300),
                seconds("responseTimeoutSeconds", config.responseTimeoutSeconds(), 600));
    }

    private static URI parseBaseUrl(String value) {
        String text = value == null ? "" : value.trim();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                    || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException(
                        "apiBaseUrl must be an absolute http(s) URL without query or fragment, got: " + text);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("apiBaseUrl is not a valid URL: " + e.getMessage(), e);
        }
    }

    private static Duration seconds(String attribute, int value, int max) {
        if (value < 1 || value > max) {
            throw new IllegalArgumentException(attribute + " must be between 1 and " + max + ", got " + value);
        }
        return Duration.ofSeconds(value);
    }

    /** The API key, empty when none is configured. A secret: never log or show it. */
    public String apiKey() {
        return apiKey;
    }

    /** Whether an API key is configured. */
    public boolean hasApiKey() {
        return !apiKey.isEmpty();
    }

    /** The API base URL, without a trailing slash. */
    public URI apiBaseUrl() {
        return apiBaseUrl;
    }

    public IntegrationScheme scheme() {
        return scheme;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration responseTimeout() {
        return responseTimeout;
    }

    @Override
    public String toString() {
        // never the key itself
        return "ConnectorSettings[apiBaseUrl=" + apiBaseUrl + ", scheme=" + scheme + ", apiKey="
                + (hasApiKey() ? "<set>" : "<none>") + ", connectTimeout=" + connectTimeout
                + ", responseTimeout=" + responseTimeout + "]";
    }
}
