package dev.crmbridge.wazzup.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The key's budget split among a cluster's nodes: together never more than the budget. */
class BudgetSharesTest {

    @Test
    void theLeaderGetsTheSyncAndItsChatShareEveryOtherNodeItsChatShareTogetherNoMoreThanTheBudget() {
        for (int budget : new int[] {1, 10, 100, 450, 500}) {
            for (int percent : new int[] {1, 20, 50, 100}) {
                for (int nodes = 1; nodes <= 12; nodes++) {
                    int[] leader = BudgetShares.shares(budget, percent, nodes, true);
                    int[] other = BudgetShares.shares(budget, percent, nodes, false);
                    long total = leader[0] + (long) (nodes - 1) * other[0];
                    if (budget * percent / 100 >= nodes) {
                        // enough to give every node a chat request: the sum holds exactly
                        assertThat(total).as("budget %d, %d %%, %d nodes", budget, percent, nodes).isLessThanOrEqualTo(budget);
                    }
                    assertThat(other[0]).isEqualTo(other[1]).isPositive();
                    assertThat(leader[1]).isEqualTo(other[1]);
                }
            }
        }
        int[] leader = BudgetShares.shares(450, 20, 2, true);
        int[] other = BudgetShares.shares(450, 20, 2, false);
        assertThat(leader).containsExactly(405, 45);
        assertThat(other).containsExactly(45, 45);
        assertThat(BudgetShares.shares(450, 20, 1, true)).as("alone: the whole budget").containsExactly(450, 90);
    }
}
