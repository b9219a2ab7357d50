package dev.crmbridge.wazzup.api;

/**
 * Names of the connector's configuration, shared by the plugin, a host that provisions the
 * configuration in code, and the administrator's tools (Felix Web Console, Karaf {@code config:edit}).
 *
 * <p>The configuration is a singleton: one ConfigurationAdmin configuration with the persistent id
 * {@link #PID}. Its attributes are described by Metatype, so any Metatype-aware console shows them as
 * a form with the API key masked.
 *
 * @since 1.0
 */
public final class WazzupConnector {

    /** The persistent id of the connector's configuration: {@value}. */
    public static final String PID = "dev.crmbridge.wazzup";

    /**
     * Configuration property: the Wazzup API key of the account (a secret; shown masked, never
     * logged). An empty value leaves the connector idle until a key is set, for example by WAuth.
     * Type {@code String}.
     */
    public static final String PROPERTY_API_KEY = "apiKey";

    /**
     * Configuration property: the base URL of the Wazzup API, without the {@code /v3} part.
     * Type {@code String}, default {@link #DEFAULT_API_BASE_URL}.
     */
    public static final String PROPERTY_API_BASE_URL = "apiBaseUrl";

    /**
     * Configuration property: the integration scheme, the name of an {@link IntegrationScheme}
     * constant. Type {@code String}, default {@code CLIENT_MANAGEMENT}.
     */
    public static final String PROPERTY_SCHEME = "scheme";

    /** The production base URL of the Wazzup API: {@value}. */
    public static final String DEFAULT_API_BASE_URL = "https://api.wazzup24.com";

    private WazzupConnector() {
        // constants only
    }
}
