package dev.crmbridge.wazzup.internal.config;

import dev.crmbridge.wazzup.api.WazzupConnector;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Dictionary;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secrets the component keeps in its configuration: a generated webhook secret, and the API key and
 * crmKey WAuth connected. None of them is ever logged; configuration changes are described by name.
 */
final class Secrets {

    private static final Logger LOG = LoggerFactory.getLogger(Secrets.class);
    private static final String WEBHOOK_SECRET = "webhookSecret";

    private final ConfigurationAdmin configAdmin;
    /** The secret this component generated and wrote to the configuration, until the change comes back. */
    private volatile String generated;

    Secrets(ConfigurationAdmin configAdmin) {
        this.configAdmin = configAdmin;
    }

    /** The webhook secret to run with: the configured one, or a fresh one stored in the configuration. */
    String of(ConnectorSettings settings) {
        return of(settings, null);
    }

    /**
     * The same in a cluster ({@code shared} not null): without a configured secret, the cluster's (or a
     * fresh one that becomes the cluster's), stored in this node's configuration.
     */
    String of(ConnectorSettings settings, SharedConnection shared) {
        if (!settings.webhookSecret().isEmpty()) {
            if (shared == null) {
                return settings.webhookSecret();
            }
            // the cluster's, unless one is already: Wazzup posts to one address, and any node may get it
            String cluster = shared.webhookSecret(settings.webhookSecret());
            if (!cluster.equals(settings.webhookSecret())) {
                LOG.warn("Wazzup connector: the webhook secret configured on this node differs from the one the cluster"
                        + " uses; this node uses the cluster's (remove {} here, or set the same on every node)",
                        WEBHOOK_SECRET);
            }
            return cluster;
        }
        String secret = shared != null ? shared.webhookSecret(freshSecret()) : freshSecret();
        generated = secret;
        // the update comes back as a configuration change that cameBack() recognises
        try {
            Configuration c = configAdmin.getConfiguration(WazzupConnector.PID, "?");
            Dictionary<String, Object> props = c.getProperties();
            if (props != null) {
                props.put(WEBHOOK_SECRET, secret);
                c.update(props);
                LOG.info("Wazzup connector: generated a webhook secret and stored it in {}", WazzupConnector.PID);
            }
        } catch (IOException e) {
            LOG.warn("Wazzup connector: could not store the generated webhook secret; it changes at the next start");
        }
        return secret;
    }

    /**
     * The configuration as Configuration Admin holds it, unprocessed by plugins: where the component
     * reads the secret values {@link SecretsPlugin} keeps out of its properties. Empty when it is gone.
     */
    java.util.Map<String, Object> raw() {
        try {
            Configuration[] found = configAdmin.listConfigurations("(" + org.osgi.framework.Constants.SERVICE_PID + "="
                    + WazzupConnector.PID + ")");
            if (found == null || found.length == 0 || found[0].getProperties() == null) {
                return java.util.Map.of();
            }
            Dictionary<String, Object> props = found[0].getProperties();
            java.util.Map<String, Object> out = new java.util.HashMap<>();
            for (java.util.Enumeration<String> keys = props.keys(); keys.hasMoreElements(); ) {
                String k = keys.nextElement();
                out.put(k, props.get(k));
            }
            return out;
        } catch (IOException | org.osgi.framework.InvalidSyntaxException e) {
            LOG.warn("Wazzup connector: the configuration could not be read ({})", e.getClass().getSimpleName());
            return java.util.Map.of();
        }
    }

    /** Whether the settings carry the secret this component generated (its own update coming back). */
    boolean cameBack(ConnectorSettings settings) {
        return settings.webhookSecret().equals(generated);
    }

    /**
     * WAuth connected an account: its API key and the crmKey go into the configuration, whose change
     * restarts the parts with them (webhooks subscribed with the crmKey, the initial sync). Answers the
     * webhook secret in effect (a new one when another account was replaced).
     */
    String storeConnection(String apiKey, String crmKey) throws IOException {
        Configuration c = configAdmin.getConfiguration(WazzupConnector.PID, "?");
        Dictionary<String, Object> props = c.getProperties();
        if (props == null) {
            throw new IOException("the configuration is gone");
        }
        Object before = props.get(WazzupConnector.PROPERTY_API_KEY);
        // an older undo must not outlive a connection made without replacing anything
        props.remove(PREVIOUS_API_KEY);
        props.remove(PREVIOUS_CRM_KEY);
        props.remove(PREVIOUS_UNTIL);
        props.remove(REPLACED_BY);
        if (before instanceof String old && !old.isBlank() && !old.trim().equals(apiKey)) {
            // the other account can read the webhook address from Wazzup: it gets a new secret
            props.put(WEBHOOK_SECRET, freshSecret());
            // the connection it replaces stays for a day, for WAuth's "undo"
            props.put(PREVIOUS_API_KEY, old);
            Object oldCrmKey = props.get(CRM_KEY);
            props.put(PREVIOUS_CRM_KEY, oldCrmKey == null ? "" : oldCrmKey.toString());
            props.put(PREVIOUS_UNTIL, System.currentTimeMillis() + KEEP_PREVIOUS.toMillis());
            props.put(REPLACED_BY, dev.crmbridge.wazzup.internal.util.Digests.sha256Hex(apiKey.trim()));
        }
        props.put(WazzupConnector.PROPERTY_API_KEY, apiKey);
        props.put(CRM_KEY, crmKey);
        c.update(props);
        Object secret = props.get(WEBHOOK_SECRET);
        return secret == null ? "" : secret.toString();
    }

    /**
     * Another node of the cluster connected: its key, crmKey and webhook secret go into this node's
     * configuration (which restarts its parts with them).
     */
    void adopt(String apiKey, String crmKey, String webhookSecret) throws IOException {
        Configuration c = configAdmin.getConfiguration(WazzupConnector.PID, "?");
        Dictionary<String, Object> props = c.getProperties();
        if (props == null) {
            throw new IOException("the configuration is gone");
        }
        props.put(WazzupConnector.PROPERTY_API_KEY, apiKey);
        if (crmKey.isEmpty()) {
            props.remove(CRM_KEY);
        } else {
            props.put(CRM_KEY, crmKey);
        }
        if (!webhookSecret.isEmpty()) {
            props.put(WEBHOOK_SECRET, webhookSecret);
        }
        c.update(props);
    }

    /** This node's key, crmKey and webhook secret as its configuration holds them (empty when unset). */
    String[] current() {
        Map<String, Object> raw = raw();
        return new String[] {text(raw.get(WazzupConnector.PROPERTY_API_KEY)), text(raw.get(CRM_KEY)),
                text(raw.get(WEBHOOK_SECRET))};
    }

    private static String text(Object o) {
        return o == null ? "" : o.toString().trim();
    }

    /**
     * WAuth's "undo": the connection that the last one replaced comes back, if that was less than
     * {@link #KEEP_PREVIOUS} ago. Answers it ({key, crmKey, webhook secret}), or null when there was none.
     */
    String[] undoConnection() throws IOException {
        Configuration c = configAdmin.getConfiguration(WazzupConnector.PID, "?");
        Dictionary<String, Object> props = c.getProperties();
        if (props == null) {
            return null;
        }
        Object key = props.get(PREVIOUS_API_KEY);
        Object until = props.get(PREVIOUS_UNTIL);
        long deadline = until instanceof Number n ? n.longValue() : until instanceof String t && t.matches("\\d{1,19}")
                ? Long.parseLong(t) : 0; // a .cfg file keeps it as text
        if (!(key instanceof String previous) || previous.isBlank() || deadline < System.currentTimeMillis()) {
            return null;
        }
        // only the connection WAuth made is undone: a key an administrator set since stays
        Object current = props.get(WazzupConnector.PROPERTY_API_KEY);
        Object replacedBy = props.get(REPLACED_BY);
        if (!(current instanceof String now) || replacedBy == null
                || !dev.crmbridge.wazzup.internal.util.Digests.sha256Hex(now.trim()).equals(replacedBy)) {
            LOG.info("Wazzup connector: WAuth's undo refused: the API key was changed since the connection it would undo");
            return null;
        }
        props.put(WazzupConnector.PROPERTY_API_KEY, previous);
        String secret = freshSecret();
        props.put(WEBHOOK_SECRET, secret); // the undone account knew the address
        Object previousCrmKey = props.get(PREVIOUS_CRM_KEY);
        if (previousCrmKey == null || previousCrmKey.toString().isEmpty()) {
            props.remove(CRM_KEY);
        } else {
            props.put(CRM_KEY, previousCrmKey.toString());
        }
        props.remove(PREVIOUS_API_KEY);
        props.remove(PREVIOUS_CRM_KEY);
        props.remove(PREVIOUS_UNTIL);
        props.remove(REPLACED_BY);
        c.update(props);
        LOG.info("Wazzup connector: WAuth's last connection was undone; the previous Wazzup account is connected again");
        Object crm = props.get(CRM_KEY);
        return new String[] {previous, crm == null ? "" : crm.toString(), secret};
    }

    private static String freshSecret() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** How long the connection WAuth replaced can be restored. */
    static final java.time.Duration KEEP_PREVIOUS = java.time.Duration.ofHours(24);
    private static final String CRM_KEY = "crmKey";
    /** The replaced connection's key, crmKey and deadline (epoch millis): secrets, like the key. */
    static final String PREVIOUS_API_KEY = "wauth.previousApiKey";
    static final String PREVIOUS_CRM_KEY = "wauth.previousCrmKey";
    static final String PREVIOUS_UNTIL = "wauth.previousUntil";
    /** A digest of the key that replaced them: undo restores them only over that key. */
    static final String REPLACED_BY = "wauth.replacedBy";

    /** Configuration properties that matter for the runtime: all but the secret and the framework's own. */
    static Map<String, Object> withoutSecret(Map<String, Object> properties) {
        Map<String, Object> out = new TreeMap<>();
        properties.forEach((k, v) -> {
            if (!k.equals(WEBHOOK_SECRET) && !k.startsWith("service.") && !k.startsWith("component.")
                    && !k.startsWith("felix.") && !k.equals("event.topics")) {
                out.put(k, v instanceof Object[] a ? Arrays.asList(a) : v);
            }
        });
        return out;
    }

    /** The names of the properties that differ (never their values: they may be secrets). */
    static Set<String> changed(Map<String, Object> before, Map<String, Object> after) {
        Set<String> names = new TreeSet<>(after.keySet());
        names.addAll(before.keySet());
        names.removeIf(k -> Objects.equals(after.get(k), before.get(k)));
        return names;
    }
}
