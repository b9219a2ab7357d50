package dev.crmbridge.wazzup.internal.config;

import dev.crmbridge.wazzup.api.IntegrationScheme;
import dev.crmbridge.wazzup.api.WazzupConnector;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The administrator's form for the connector (PID {@value WazzupConnector#PID}). The attribute ids
 * are the property names in {@link WazzupConnector}.
 */
@ObjectClassDefinition(
        id = WazzupConnector.PID,
        name = "Wazzup connector",
        description = "Connects this CRM to a Wazzup (wazzup24.com) account: users, contacts, deals and "
                + "pipelines are kept in step, and managers get chat buttons.")
public @interface ConnectorConfiguration {

    /** Default connect timeout, in seconds. */
    int DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;

    /** Default response timeout, in seconds. */
    int DEFAULT_RESPONSE_TIMEOUT_SECONDS = 30;

    @AttributeDefinition(
            name = "API key",
            description = "The key of the Wazzup account (Integration with CRM > API in Wazzup). "
                    + "Leave empty to connect by button (WAuth) instead. Stored as a secret and never logged.",
            type = AttributeType.PASSWORD,
            required = false)
    String apiKey() default "";

    @AttributeDefinition(
            name = "API base URL",
            description = "Base URL of the Wazzup API, without /v3. Default: "
                    + WazzupConnector.DEFAULT_API_BASE_URL
                    + ". Change it only to point at a test double such as the bundled emulator.")
    String apiBaseUrl() default WazzupConnector.DEFAULT_API_BASE_URL;

    @AttributeDefinition(
            name = "Integration scheme",
            description = "CLIENT_MANAGEMENT: users, contacts, deals and pipelines are synchronised (the full "
                    + "scheme). CONTACTS_ONLY: users and contacts only, no deals. Default: CLIENT_MANAGEMENT.")
    IntegrationScheme scheme() default IntegrationScheme.CLIENT_MANAGEMENT;

    @AttributeDefinition(
            name = "Connect timeout (s)",
            description = "Seconds to wait for a TCP connection to the Wazzup API. Default: 10. Range 1-300.",
            min = "1",
            max = "300")
    int connectTimeoutSeconds() default DEFAULT_CONNECT_TIMEOUT_SECONDS;

    @AttributeDefinition(
            name = "Response timeout (s)",
            description = "Seconds to wait for the Wazzup API to answer a request. Default: 30. Range 1-600.",
            min = "1",
            max = "600")
    int responseTimeoutSeconds() default DEFAULT_RESPONSE_TIMEOUT_SECONDS;
}
