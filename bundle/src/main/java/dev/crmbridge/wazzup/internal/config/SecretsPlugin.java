package dev.crmbridge.wazzup.internal.config;

import dev.crmbridge.wazzup.api.WazzupConnector;
import dev.crmbridge.wazzup.internal.util.Digests;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationPlugin;

/**
 * Keeps the connector's secrets out of its component properties. SCR reads a component's configuration
 * through Configuration Admin's plugins, and shows what it got to anyone who asks: Karaf's
 * {@code scr:info}, the Web Console's Components page and every {@code ComponentConfigurationDTO} list
 * each property. This plugin, registered when the bundle starts (before SCR looks at its components),
 * replaces each secret's value in what components and managed services are given by a marker that
 * names a digest of it ({@code <secret 1a2b3c4d5e6f>}): a changed key still changes the configuration,
 * but the key itself is not there. The component gets the real values from this plugin (as other
 * plugins, such as Felix's interpolation, made them), else from Configuration Admin ({@link Secrets#raw}). Administrators still set and see them where they configure the PID.
 */
public final class SecretsPlugin implements ConfigurationPlugin, BundleActivator {

    /** The properties that hold secrets: they never reach a component property. */
    static final List<String> SECRET_PROPERTIES = List.of(WazzupConnector.PROPERTY_API_KEY, "crmKey", "webhookSecret",
            "secret", Secrets.PREVIOUS_API_KEY, Secrets.PREVIOUS_CRM_KEY);

    /** The plugin's id (Configuration Admin 1.6). */
    static final String PLUGIN_ID = "dev.crmbridge.wazzup.secrets";

    private static final String MARKER = "<secret ";

    private ServiceRegistration<ConfigurationPlugin> registration;

    @Override
    public void start(BundleContext context) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(ConfigurationPlugin.CM_TARGET, new String[] {WazzupConnector.PID});
        // after every plugin that might fill values in (interpolation runs at 0 and below)
        props.put(ConfigurationPlugin.CM_RANKING, 1000);
        props.put("config.plugin.id", PLUGIN_ID);
        registration = context.registerService(ConfigurationPlugin.class, this, props);
    }

    @Override
    public void stop(BundleContext context) {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregistered it
            }
        }
    }

    /**
     * The values behind the markers, as this plugin saw them: after the plugins ranked before it (Felix's
     * interpolation of {@code $[env:…]} or {@code $[secret:…]}), which the raw configuration lacks.
     */
    private static final Map<String, String> SEEN = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public void modifyConfiguration(ServiceReference<?> reference, Dictionary<String, Object> properties) {
        for (String name : SECRET_PROPERTIES) {
            Object value = properties.get(name);
            if (value instanceof String s && !s.isBlank() && !isMarker(s)) {
                String marker = marker(s);
                if (SEEN.size() > 1000) {
                    SEEN.clear(); // markers of long-gone values; the current ones come again with the next read
                }
                SEEN.put(marker, s);
                properties.put(name, marker);
            }
        }
    }

    /** The marker that stands for {@code value} in component properties. */
    static String marker(String value) {
        return MARKER + Digests.sha256Hex(value.trim()).substring(0, 12) + ">";
    }

    static boolean isMarker(String value) {
        return value != null && value.startsWith(MARKER) && value.endsWith(">");
    }

    /**
     * The value of a secret for the settings: the raw configuration's when the component was given a
     * marker (or nothing), the component's own otherwise (a host without this plugin, a test).
     */
    static String resolve(String fromComponent, Map<String, Object> raw, String name) {
        String seen = isMarker(fromComponent) ? SEEN.get(fromComponent) : null;
        if (seen != null) {
            return seen; // interpolated, as components would have seen it
        }
        if (fromComponent == null || fromComponent.isBlank() || isMarker(fromComponent)) {
            Object v = raw == null ? null : raw.get(name);
            if (v instanceof String s && !isMarker(s)) {
                return s;
            }
            if (isMarker(fromComponent)) {
                // never run with an empty secret in place of a set one (a new webhook secret would replace it)
                throw new IllegalStateException("the configuration's " + name + " could not be read from Configuration Admin");
            }
            return fromComponent;
        }
        return fromComponent;
    }
}
