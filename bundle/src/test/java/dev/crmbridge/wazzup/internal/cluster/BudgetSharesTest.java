package dev.crmbridge.wazzup.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crmbridge.wazzup.internal.client.RateLimiter;
import dev.crmbridge.wazzup.internal.client.TimeSource;
import dev.crmbridge.wazzup.internal.store.ClusterTable;
import dev.crmbridge.wazzup.internal.store.Fence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The key's budget split among a cluster's nodes by demand: together never more than the budget in any
 * window, an idle follower costing the leader's sync little, a busy one getting its chat share.
 */
class BudgetSharesTest {

    private static final int BUDGET = 450;
    private static final int PERCENT = 20;

    @Test
    void theLeadersLimitAndTheOthersWantsNeverAddUpToMoreThanTheBudget() {
        for (int budget : new int[] {10, 100, 450, 500}) {
            for (int percent : new int[] {1, 20, 50, 100}) {
                for (int nodes = 2; nodes <= 12; nodes++) {
                    int perNode = BudgetShares.perNode(budget, percent, nodes);
                    if (perNode * nodes + BudgetShares.NEWCOMER > budget) {
                        continue; // a budget too small to give every node its request: each gets one anyway
                    }
                    for (int busy = 0; busy < nodes; busy++) {
                        List<Integer> wants = new ArrayList<>();
                        for (int i = 1; i < nodes; i++) {
                            wants.add(i <= busy ? perNode : BudgetShares.floor(perNode));
                        }
                        long total = BudgetShares.leaderLimit(budget, perNode, wants);
                        for (int w : wants) {
                            total += w;
                        }
                        assertThat(total + BudgetShares.NEWCOMER).as("budget %d, %d %%, %d nodes, %d busy",
                                budget, percent, nodes, busy).isLessThanOrEqualTo(budget);
                    }
                }
            }
        }
    }

    @Test
    void aNodeThatHasNotSaidWhatItWantsCountsAsAFullShare() {
        int perNode = BudgetShares.perNode(BUDGET, PERCENT, 2);
        assertThat(perNode).isEqualTo(45);
        assertThat(BudgetShares.floor(perNode)).isEqualTo(5);
        assertThat(BudgetShares.leaderLimit(BUDGET, perNode, List.of(0))).isEqualTo(450 - 45 - 1);
        assertThat(BudgetShares.leaderLimit(BUDGET, perNode, List.of(5))).as("an idle follower").isEqualTo(444);
        assertThat(BudgetShares.leaderLimit(BUDGET, perNode, List.of())).as("alone").isEqualTo(449);
    }

    /**
     * A simulated cluster on a virtual clock: a leader whose sync takes every start it may, followers whose
     * chat traffic comes and goes, a third node joining. Every start of every node is recorded, and no
     * window ever holds more than the budget.
     */
    @Test
    void simulatedNodesNeverStartMoreThanTheBudgetInAnyWindowWhileDemandsChange() {
        for (long offset : new long[] {0, 170, 500, 830}) {
            Sim sim = new Sim(Duration.ofSeconds(6));
            SimNode leader = sim.node("a", 0, true);
            SimNode follower = sim.node("b", offset, false);
            follower.chatPerSecond = 0;
            sim.run(20_000);
            // idle follower: the leader has all but the follower's floor and one floor for a newcomer
            assertThat(leader.startsIn(15_000, 20_000)).as("offset %d: the leader's sync beside an idle node", offset)
                    .isGreaterThanOrEqualTo(440);
            assertThat(follower.shares.granted()).isEqualTo(5);

            follower.chatPerSecond = 20; // managers open pages on b
            sim.run(20_000 + 12_000);
            assertThat(follower.shares.granted()).as("offset %d: b's full share within 12 s", offset).isEqualTo(45);
            sim.run(40_000);
            assertThat(follower.startsIn(35_000, 40_000)).as("offset %d: b uses its share", offset).isBetween(40, 45);
            assertThat(leader.startsIn(35_000, 40_000)).as("offset %d: the leader gives way", offset)
                    .isBetween(395, 404);

            SimNode third = sim.node("c", offset / 2, false); // a node joins while b is busy
            third.chatPerSecond = 20;
            sim.run(60_000);
            assertThat(third.shares.granted()).as("offset %d: c's share of three", offset).isEqualTo(30);
            assertThat(follower.shares.granted()).as("offset %d: b's share of three", offset).isEqualTo(30);

            follower.chatPerSecond = 0;
            third.chatPerSecond = 0; // the pages close
            sim.run(90_000);
            assertThat(follower.shares.granted()).isEqualTo(3);
            assertThat(leader.startsIn(85_000, 90_000)).as("offset %d: the leader has it back", offset)
                    .isGreaterThanOrEqualTo(435);
            sim.assertNoWindowOverBudget(leader.key.window());
        }
    }

    /** The nodes, their table and a virtual clock in milliseconds, stepped by one. */
    private static final class Sim implements TimeSource {
        final Duration lease;
        final long renewMillis;
        final Map<String, SimNode> nodes = new LinkedHashMap<>();
        final Map<String, Integer> wants = new LinkedHashMap<>();
        final List<Long> starts = new ArrayList<>();
        long nowMillis;
        long leaderRenewedAt = Long.MIN_VALUE;

        Sim(Duration lease) {
            this.lease = lease;
            this.renewMillis = Cluster.renewEvery(lease).toMillis();
        }

        @Override
        public long nanoTime() {
            return nowMillis * 1_000_000L;
        }

        @Override
        public void sleep(Duration d) {
            throw new AssertionError("nobody waits in the simulation");
        }

        SimNode node(String name, long offset, boolean leads) {
            SimNode n = new SimNode(this, name, nowMillis + offset, leads);
            nodes.put(name, n);
            return n;
        }

        void run(long untilMillis) {
            for (; nowMillis < untilMillis; nowMillis++) {
                for (SimNode n : nodes.values()) {
                    if (nowMillis >= n.nextTick) {
                        n.tick();
                        n.nextTick = nowMillis + renewMillis;
                    }
                }
                for (SimNode n : nodes.values()) {
                    n.work();
                }
            }
        }

        void assertNoWindowOverBudget(Duration window) {
            List<Long> all = new ArrayList<>(starts);
            Collections.sort(all);
            long w = window.toNanos();
            int from = 0;
            int most = 0;
            for (int i = 0; i < all.size(); i++) {
                while (all.get(i) - all.get(from) >= w) {
                    from++;
                }
                most = Math.max(most, i - from + 1);
            }
            assertThat(most).as("the most starts in one window, of the whole cluster").isLessThanOrEqualTo(BUDGET);
        }
    }

    /** One node: its limiters and shares, a sync when it leads, chat calls at some rate. */
    private static final class SimNode implements BudgetShares.Membership, Leadership {
        final Sim sim;
        final String name;
        final boolean leads;
        final RateLimiter key;
        final RateLimiter chat;
        final BudgetShares shares;
        final List<Long> mine = new ArrayList<>();
        long nextTick;
        int chatPerSecond;
        long nextChat;
        int want;
        int announcedWant;
        long announcedAt = Long.MAX_VALUE;
        long leaderRenewedAt = Long.MIN_VALUE;
        List<ClusterTable.Node> lastNodes = List.of();

        SimNode(Sim sim, String name, long firstTick, boolean leads) {
            this.sim = sim;
            this.name = name;
            this.leads = leads;
            this.nextTick = firstTick;
            this.key = new RateLimiter(BUDGET, Duration.ofSeconds(5), sim);
            this.chat = new RateLimiter(BUDGET * PERCENT / 100, Duration.ofSeconds(5), sim);
            this.shares = new BudgetShares(this, this, key, chat, BUDGET, PERCENT, Cluster.renewEvery(sim.lease),
                    sim::nanoTime);
            shares.run(); // as BudgetShares.follow does: limits from the start, before the first renewal
        }

        /** A renewal, as {@link Cluster} makes it: heartbeat with the want, lease, nodes, then the shares. */
        void tick() {
            sim.wants.put(name, want);
            if (want != announcedWant) {
                announcedAt = want > announcedWant ? sim.nowMillis : announcedAt;
                announcedWant = want;
            }
            if (leads) {
                sim.leaderRenewedAt = sim.nowMillis;
            }
            leaderRenewedAt = sim.leaderRenewedAt;
            List<ClusterTable.Node> seen = new ArrayList<>();
            sim.wants.forEach((n, w) -> seen.add(new ClusterTable.Node(n, 0, sim.nowMillis, "", w)));
            lastNodes = seen;
            shares.run();
        }

        void work() {
            if (leads) {
                while (take(key)) {
                    record();
                }
            }
            if (chatPerSecond > 0 && sim.nowMillis >= nextChat) {
                nextChat = sim.nowMillis + 1_000 / chatPerSecond;
                if (take(chat) && take(key)) {
                    record();
                }
            }
        }

        private static boolean take(RateLimiter l) {
            try {
                return l.tryAcquire(Duration.ZERO);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }

        private void record() {
            mine.add(sim.nanoTime());
            sim.starts.add(sim.nanoTime());
        }

        int startsIn(long fromMillis, long toMillis) {
            return (int) mine.stream().filter(t -> t > fromMillis * 1_000_000L && t <= toMillis * 1_000_000L).count();
        }

        @Override
        public String node() {
            return name;
        }

        @Override
        public List<ClusterTable.Node> lastNodes() {
            return lastNodes;
        }

        @Override
        public void wantChat(int starts) {
            want = starts;
        }

        @Override
        public long announcedAt(int starts) {
            return announcedWant >= starts ? announcedAt : Long.MAX_VALUE;
        }

        @Override
        public Fence.Term term() {
            return leads ? Leadership.solo(name).term() : null;
        }

        @Override
        public boolean clustered() {
            return true;
        }

        @Override
        public boolean member() {
            return true;
        }

        @Override
        public Duration lease() {
            return sim.lease;
        }

        @Override
        public LeaderInfo leader() {
            return null;
        }

        @Override
        public long leaderRenewedAt() {
            return leaderRenewedAt;
        }

        @Override
        public Runnable onChange(Runnable r) {
            return () -> { };
        }
    }
}
