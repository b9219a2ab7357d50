package dev.crmbridge.wazzup.internal.cluster;

import dev.crmbridge.wazzup.internal.client.RateLimiter;
import dev.crmbridge.wazzup.internal.client.WazzupClient;

/**
 * One rate budget per key for the whole cluster, without a database round trip per request: the key's
 * budget {@code B} (requests per 5 s) is split by who does what. The chat endpoints' share
 * {@code C = B × chatBudgetSharePercent} is divided evenly among the nodes alive, since every node serves
 * chat windows and counters; the sync, which only the leader runs, gets the rest. So node {@code i} may
 * start {@code C / n} chat requests and, if it leads, {@code B − C} more per window, and the cluster
 * together never more than {@code B}. Each renewal of the membership (every sixth of the lease) applies
 * the shares anew; a node counted as alive a little longer than it lives only makes the others' shares
 * smaller.
 */
public final class BudgetShares {

    private BudgetShares() {
    }

    /** This node's limits now: {@code {key, chat}} starts per window. */
    static int[] shares(int budget, int chatPercent, int nodes, boolean leads) {
        int chat = Math.max(1, budget * chatPercent / 100);
        int perNode = Math.max(1, chat / Math.max(1, nodes));
        int key = leads ? budget - chat + perNode : perNode;
        return new int[] {Math.min(budget, key), perNode};
    }

    /**
     * Keeps {@code client}'s limiters at this node's shares while the cluster renews; answers what stops
     * it (the shares stay as last set).
     */
    public static Runnable follow(Cluster cluster, Leadership leadership, WazzupClient client, int budget, int chatPercent) {
        RateLimiter key = client.rateLimiter();
        RateLimiter chat = client.interactiveLimiter();
        if (key == null) {
            return () -> { };
        }
        Runnable apply = () -> {
            int[] s = shares(budget, chatPercent, cluster.alive(), leadership.term() != null);
            key.limit(s[0]);
            if (chat != null) {
                chat.limit(s[1]);
            }
        };
        apply.run();
        return cluster.onRenewal(apply);
    }
}
