package dev.crmbridge.wazzup.internal.config;

import dev.crmbridge.wazzup.internal.cluster.Cluster;
import dev.crmbridge.wazzup.internal.store.Store;
import dev.crmbridge.wazzup.internal.util.Digests;
import java.io.IOException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection for the whole cluster: the Wazzup account's API key and crmKey that WAuth connected,
 * and the webhook secret, kept in the shared store ({@code wz_meta}) so that every node works with the
 * same ones. A node that connects by button (or undoes it) publishes the connection; the webhook secret
 * a node generates is published unless one is already, and then that one is used. Every node reads the
 * published connection at each renewal of its membership and, when it is newer than the last it took and
 * differs from its own configuration, writes it into its configuration: its parts restart with the key,
 * the crmKey and the secret the others have.
 *
 * <p>The values are stored as they are: the database is the CRM's own, and must be protected as such.
 * A key an administrator sets in one node's configuration by hand stays that node's; set it on every
 * node (or connect by button, which reaches every node).
 */
final class SharedConnection {

    private static final Logger LOG = LoggerFactory.getLogger(SharedConnection.class);

    static final String SECRET = "shared.webhookSecret";
    static final String API_KEY = "shared.apiKey";
    static final String CRM_KEY = "shared.crmKey";
    /** Bumped by each publication: {@code <millis>:<node>}. */
    static final String VERSION = "shared.version";

    /** Where a node writes what it took (its configuration). */
    interface Local {
        /** Writes the published connection into this node's configuration. */
        void adopt(String apiKey, String crmKey, String webhookSecret) throws IOException;

        /** This node's connection now: {api key, crmKey, webhook secret} (empty strings when unset). */
        String[] current();
    }

    private final Store store;
    private final String node;
    private final Local local;
    private volatile String seen;
    private Runnable unfollow = () -> { };

    SharedConnection(Store store, String node, Local local) {
        this.store = store;
        this.node = node;
        this.local = local;
        this.seen = store.meta().get(VERSION);
    }

    /** The cluster's webhook secret: the published one, or {@code mine}, published now as the cluster's. */
    String webhookSecret(String mine) {
        String published = store.meta().putIfAbsent(SECRET, mine);
        return published == null || published.isEmpty() ? mine : published;
    }

    /** This node connected (or undid a connection): every node takes it. */
    void publish(String apiKey, String crmKey, String webhookSecret) {
        String version = System.currentTimeMillis() + ":" + node;
        store.meta().putAll(Map.of(API_KEY, nz(apiKey), CRM_KEY, nz(crmKey), SECRET, nz(webhookSecret), VERSION, version));
        seen = version;
        LOG.info("Wazzup cluster: node {} published the Wazzup connection (key {}) for every node", node,
                apiKey == null || apiKey.isEmpty() ? "none" : Digests.sha256Hex(apiKey).substring(0, 8));
    }

    /** Follows publications at every renewal of {@code cluster}'s membership. */
    void follow(Cluster cluster) {
        unfollow = cluster.onRenewal(this::check);
    }

    /** Takes a publication newer than the last one taken, if it differs from this node's configuration. */
    void check() {
        String version = store.meta().get(VERSION);
        if (version == null || version.equals(seen)) {
            return;
        }
        String apiKey = nz(store.meta().get(API_KEY));
        String crmKey = nz(store.meta().get(CRM_KEY));
        String secret = nz(store.meta().get(SECRET));
        String[] mine = local.current();
        seen = version;
        if (apiKey.equals(mine[0]) && crmKey.equals(mine[1]) && (secret.isEmpty() || secret.equals(mine[2]))) {
            return;
        }
        try {
            local.adopt(apiKey, crmKey, secret.isEmpty() ? mine[2] : secret);
            LOG.info("Wazzup cluster: node {} took the connection another node published ({})", node,
                    version.substring(version.indexOf(':') + 1));
        } catch (IOException e) {
            seen = null; // tried again at the next renewal
            LOG.warn("Wazzup cluster: node {} could not take the published connection into its configuration: {}", node,
                    e.getMessage());
        }
    }

    void close() {
        unfollow.run();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
