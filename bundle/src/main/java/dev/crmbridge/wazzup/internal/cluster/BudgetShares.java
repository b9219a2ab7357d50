package dev.crmbridge.wazzup.internal.cluster;

import dev.crmbridge.wazzup.internal.client.RateLimiter;
import dev.crmbridge.wazzup.internal.store.ClusterTable;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * One rate budget per key for the whole cluster, by shares announced through the cluster's tables and
 * without a database round trip per request. The key's budget {@code B} (requests per window) is split
 * by who does what, and by demand:
 *
 * <ul>
 *   <li>The chat endpoints' share {@code C = B × chatBudgetSharePercent} gives every node at most
 *       {@code perNode = C / n} chat requests per window ({@code n} the nodes alive).</li>
 *   <li>A follower asks for what it needs, in its row of {@code wz_node}: the {@link #floor} (an eighth
 *       of {@code perNode}) while its chat traffic is light, {@code perNode} once callers use half its
 *       floor in a window or are turned away. It may start only what it asked for.</li>
 *   <li>The leader, which runs the sync, takes the rest: {@code B} less what the others ask, less one
 *       request kept for a node that has just joined and not yet been read (it starts with that one). An
 *       idle cluster therefore syncs almost as fast as a node alone.</li>
 * </ul>
 *
 * <p>Lowering a limit is safe at once. Raising one is not: a follower that asks for more waits until the
 * leader has renewed after reading the higher demand (it lowers its own limit right then) and then one
 * more window, so that the leader's earlier starts have left the window before its own begin. A follower
 * that turns quiet for a lease lowers its limit first and only then asks for less. So the nodes together
 * never start more than {@code B} in a window; a newly busy follower has its full share within about a
 * renewal, a window and a renewal, and its floor meanwhile.
 *
 * <p>One gap remains, and is documented: right after a failover the new leader may start while the old
 * leader's last requests (up to {@code 80 %} of the lease after its last renewal) are still in the window.
 * Wazzup then answers 429, and the client pauses for a window.
 */
public final class BudgetShares implements Runnable {

    /** What the shares need of this node's membership: the {@link Cluster} (a simulation in tests). */
    interface Membership {
        /** This node's name. */
        String node();

        /** The nodes alive at the last renewal, with what each asks for (empty before the first). */
        List<ClusterTable.Node> lastNodes();

        /** What this node asks for from the next renewal on. */
        void wantChat(int starts);

        /** The database's time by which every node can read a want of at least {@code starts}, or MAX_VALUE. */
        long announcedAt(int starts);
    }

    /**
     * What a node may start per window before the leader has read its demand, and what the leader keeps
     * for such a node: one request, so that a quiet cluster costs the sync as little as it can.
     */
    static final int NEWCOMER = 1;

    /** Renewals without pressure after which a follower asks for its floor again. */
    static final int QUIET_RENEWALS = 6;

    private final Membership cluster;
    private final Leadership leadership;
    private final RateLimiter key;
    private final RateLimiter chat;
    private final int budget;
    private final int chatPercent;
    private final long windowNanos;
    private final long renewNanos;
    private final LongSupplier nanoTime;

    /** What this node may start per window as a follower, and what it asks for. */
    private int granted;
    private int asked;
    private int quiet;
    /** When a raise to {@code asked} may begin (monotonic nanos), or 0 while its conditions do not hold. */
    private long raiseAt;

    BudgetShares(Membership cluster, Leadership leadership, RateLimiter key, RateLimiter chat, int budget, int chatPercent,
            Duration renewEvery, LongSupplier nanoTime) {
        this.cluster = cluster;
        this.leadership = leadership;
        this.key = key;
        this.chat = chat;
        this.budget = budget;
        this.chatPercent = chatPercent;
        this.windowNanos = key.window().toNanos();
        this.renewNanos = renewEvery.toNanos();
        this.nanoTime = nanoTime;
    }

    /** The chat requests per window of one of {@code nodes} nodes. */
    static int perNode(int budget, int chatPercent, int nodes) {
        int chat = Math.max(1, budget * chatPercent / 100);
        return Math.max(1, chat / Math.max(1, nodes));
    }

    /** What a follower with little chat traffic asks for. */
    static int floor(int perNode) {
        return Math.max(1, perNode / 8);
    }

    /**
     * The leader's limit: the budget less what the other nodes ask (an unknown demand counts as a full
     * share) and less {@link #NEWCOMER} for a node not yet seen; never below its own chat share.
     */
    static int leaderLimit(int budget, int perNode, List<Integer> othersWants) {
        long others = 0;
        for (int w : othersWants) {
            others += w > 0 ? w : perNode;
        }
        long left = budget - others - NEWCOMER;
        return (int) Math.max(Math.min(perNode, budget), Math.min(budget, left));
    }

    /** Applies this node's limits for the cluster as the last renewal saw it. */
    @Override
    public synchronized void run() {
        List<ClusterTable.Node> nodes = cluster.lastNodes();
        boolean leads = leadership.term() != null;
        // a follower knows of one other node at least, even before it has read the table
        int n = Math.max(nodes.size(), leads ? 1 : 2);
        int perNode = perNode(budget, chatPercent, n);
        int floor = floor(perNode);
        if (leads) {
            List<Integer> others = nodes.stream().filter(x -> !x.node().equals(cluster.node()))
                    .map(ClusterTable.Node::chatWant).toList();
            granted = perNode;
            asked = perNode;
            raiseAt = 0;
            quiet = 0;
            cluster.wantChat(perNode); // what it will need should it follow
            limit(leaderLimit(budget, perNode, others), perNode);
            return;
        }
        boolean pressure = chat.takeRefused() > 0 || chat.recentStarts() >= Math.max(1, (floor + 1) / 2);
        quiet = pressure ? 0 : quiet + 1;
        int target;
        if (pressure) {
            target = perNode;
        } else if (quiet >= QUIET_RENEWALS) {
            target = floor;
        } else {
            target = Math.max(floor, Math.min(asked, perNode));
        }
        if (granted == 0 || granted > target) {
            // a node starts with what the leader keeps for a node it has not seen yet; lowering is safe at once
            granted = granted == 0 ? Math.min(NEWCOMER, target) : target;
        }
        if (target != asked) {
            raiseAt = 0;
        }
        asked = target;
        cluster.wantChat(asked);
        if (asked > granted) {
            long announced = cluster.announcedAt(asked);
            long now = nanoTime.getAsLong();
            if (raiseAt == 0 && announced != Long.MAX_VALUE && leadership.leaderRenewedAt() >= announced) {
                // the leader read the demand after its renewal and lowered its limit a moment later
                raiseAt = now + windowNanos + renewNanos;
            }
            if (raiseAt != 0 && now - raiseAt >= 0) {
                granted = asked;
                raiseAt = 0;
            }
        }
        limit(granted, granted);
    }

    private void limit(int keyStarts, int chatStarts) {
        key.limit(keyStarts);
        if (chat != key) {
            chat.limit(chatStarts);
        }
    }

    /** What this node may start per window now, as a follower (0 before the first renewal). */
    synchronized int granted() {
        return granted;
    }

    /**
     * Keeps the limiters {@code key} and {@code chat} (the chat endpoints' own; may be {@code key}) at this
     * node's shares while the cluster renews; answers what stops it (the shares stay as last set).
     */
    public static Runnable follow(Cluster cluster, Leadership leadership, RateLimiter key, RateLimiter chat, int budget,
            int chatPercent) {
        if (key == null) {
            return () -> { };
        }
        BudgetShares shares = new BudgetShares(cluster, leadership, key, chat == null ? key : chat, budget, chatPercent,
                Cluster.renewEvery(leadership.lease()), System::nanoTime);
        shares.run();
        return cluster.onRenewal(shares);
    }
}
