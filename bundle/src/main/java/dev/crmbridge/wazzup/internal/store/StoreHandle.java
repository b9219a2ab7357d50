package dev.crmbridge.wazzup.internal.store;

import dev.crmbridge.wazzup.internal.cluster.Cluster;
import dev.crmbridge.wazzup.internal.cluster.Leadership;
import dev.crmbridge.wazzup.internal.cluster.Signals;
import java.io.File;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * An open store: the database (the embedded H2 file, or the host's DataSource), the account's tables,
 * migrated, and the group-commit writer; on PostgreSQL also this node's membership of the cluster of
 * nodes sharing it. Closing gives up the leadership, commits what is queued, then closes the embedded
 * file.
 */
public final class StoreHandle implements AutoCloseable {

    private final EmbeddedDatabase embedded;
    private final Store store;
    private final GroupWriter writer;
    private final Cluster cluster;
    private final Leadership leadership;
    private final Signals signals;

    private StoreHandle(EmbeddedDatabase embedded, DataSource dataSource, String account, Cluster.Settings clusterSettings) {
        this.embedded = embedded;
        Store s = new Store(dataSource, account);
        try {
            s.migrate();
        } catch (RuntimeException e) {
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
        this.store = s;
        this.writer = new GroupWriter(s.jdbc(), "the store writer");
        if (embedded == null && clusterSettings != null && s.jdbc().postgres()) {
            this.cluster = Cluster.join(s, clusterSettings);
            this.leadership = cluster.leadership(account);
            this.signals = new Signals(dataSource, account, clusterSettings.node());
            signals.start();
        } else {
            this.cluster = null;
            this.signals = null;
            this.leadership = Leadership.solo(clusterSettings == null ? "this node" : clusterSettings.node());
        }
    }

    /** The embedded H2 database {@code wazzup} in {@code directory}. */
    public static StoreHandle embedded(File directory, String account) {
        return embedded(directory, account, null);
    }

    /** The same, for a node of this name (alone: the embedded file belongs to one process). */
    public static StoreHandle embedded(File directory, String account, Cluster.Settings node) {
        EmbeddedDatabase db = new EmbeddedDatabase(directory);
        return new StoreHandle(db, db.dataSource(), account, node);
    }

    /** The host's database, used by this node alone. */
    public static StoreHandle of(DataSource dataSource, String account) {
        return new StoreHandle(null, dataSource, account, null);
    }

    /**
     * The host's database; on PostgreSQL shared by a cluster, which this node joins as
     * {@code clusterSettings} say (any other database: this node alone).
     */
    public static StoreHandle of(DataSource dataSource, String account, Cluster.Settings clusterSettings) {
        return new StoreHandle(null, dataSource, account, clusterSettings);
    }

    /** This node's leadership of the account (alone: always). */
    public Leadership leadership() {
        return leadership;
    }

    /** The nodes sharing this store and who leads, as this node sees it. */
    public dev.crmbridge.wazzup.api.sync.ClusterState clusterState() {
        Leadership.LeaderInfo l = leadership.leader();
        if (cluster == null) {
            return dev.crmbridge.wazzup.api.sync.ClusterState.alone(leadership.node(), l.since());
        }
        java.util.List<String> nodes;
        try {
            nodes = cluster.nodes().stream().map(ClusterTable.Node::node).toList();
        } catch (StoreException e) {
            nodes = java.util.List.of(leadership.node());
        }
        return new dev.crmbridge.wazzup.api.sync.ClusterState(true, leadership.node(), l == null ? null : l.node(),
                l == null ? null : l.since(), nodes);
    }

    /** What this node tells the others of the cluster and hears from them, or null when it is alone. */
    public Signals signals() {
        return signals;
    }

    /** This node's membership of a cluster, or null when it is alone. */
    public Cluster cluster() {
        return cluster;
    }

    public Store store() {
        return store;
    }

    public GroupWriter writer() {
        return writer;
    }

    public boolean embedded() {
        return embedded != null;
    }

    @Override
    public void close() {
        if (cluster != null) {
            cluster.close(); // another node leads at once
            signals.close();
        }
        writer.close(Duration.ofSeconds(5));
        if (embedded != null) {
            embedded.close();
        }
    }
}
