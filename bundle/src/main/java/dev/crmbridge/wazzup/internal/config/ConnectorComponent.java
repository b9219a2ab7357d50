package dev.crmbridge.wazzup.internal.config;

import dev.crmbridge.wazzup.api.WazzupConnector;
import dev.crmbridge.wazzup.internal.client.ApacheHttpTransport;
import dev.crmbridge.wazzup.internal.client.HttpTransport;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The root of one configured connector: validates the configuration and owns the HTTP transport to
 * Wazzup. Without a configuration under {@value WazzupConnector#PID} nothing runs.
 */
@Component(
        name = WazzupConnector.PID,
        configurationPid = WazzupConnector.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true)
@Designate(ocd = ConnectorConfiguration.class)
public final class ConnectorComponent {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectorComponent.class);

    private final ConnectorSettings settings;
    private final HttpTransport transport;

    @Activate
    public ConnectorComponent(ConnectorConfiguration config) {
        this.settings = ConnectorSettings.from(config);
        this.transport = new ApacheHttpTransport(settings.connectTimeout(), settings.responseTimeout());
        // settings.toString() masks the key
        LOG.info("Wazzup connector configured: {}", settings);
        if (!settings.hasApiKey()) {
            LOG.warn("Wazzup connector has no API key yet: set '{}' in {} or connect by button",
                    WazzupConnector.PROPERTY_API_KEY, WazzupConnector.PID);
        }
    }

    /** The validated settings this component runs with. */
    public ConnectorSettings settings() {
        return settings;
    }

    /** The transport to Wazzup, open while the component is active. */
    public HttpTransport transport() {
        return transport;
    }

    @Deactivate
    void deactivate() {
        transport.close();
        LOG.info("Wazzup connector stopped");
    }
}
