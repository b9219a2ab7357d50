package dev.crmbridge.wazzup.api.sync;

import java.time.Instant;
import java.util.List;

/**
 * The nodes sharing the connector's store and which of them leads. With storage {@code DATA_SOURCE} on
 * PostgreSQL the CRM's nodes form a cluster: every node records changes and takes webhooks, and one node
 * at a time, the leader, sends to Wazzup (the dispatcher, the initial sync, the reconciliation, the
 * webhook subscription). Anywhere else a node is alone and leads.
 *
 * @param clustered whether several nodes may share the store (PostgreSQL)
 * @param node this node's name
 * @param leader the leading node's name, or {@code null} while none leads (a leader just stopped and
 *     its lease has not run out yet)
 * @param leaderSince since when that node leads, or {@code null}
 * @param nodes the nodes alive now, oldest first (this node among them); alone, just this node
 * @since 1.2
 */
public record ClusterState(boolean clustered, String node, String leader, Instant leaderSince, List<String> nodes) {

    /**
     * @throws NullPointerException when {@code node} or {@code nodes} is null
     */
    public ClusterState {
        java.util.Objects.requireNonNull(node, "node");
        nodes = List.copyOf(nodes);
    }

    /**
     * A node alone, leading since {@code since}.
     *
     * @param node its name
     * @param since since when
     * @return the state
     */
    public static ClusterState alone(String node, Instant since) {
        return new ClusterState(false, node, node, since, List.of(node));
    }

    /**
     * Whether this node leads.
     *
     * @return {@code true} when {@link #leader()} is this node
     */
    public boolean leads() {
        return node.equals(leader);
    }
}
