package dev.crmbridge.wazzup.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link InboxStoreTest}'s tests on PostgreSQL, where the inbox stores in one statement, and the claims of
 * a cluster's nodes: what a node takes in it claims at once, and another node takes it over only once
 * the first is gone.
 */
class InboxStorePostgresTest extends InboxStoreTest {

    private static int databases;

    @Override
    StoreHandle openHandle() {
        return StoreHandle.of(Postgres.database("inbox_store_" + (++databases)), "default");
    }

    @Test
    void whatANodeTakesInItClaimsAtOnceAndAnotherTakesItOverOnlyOnceTheFirstIsGone() {
        Store s = openedStore();
        ClusterTable nodes = s.cluster();
        nodes.heartbeat("node-a", 1, "test", 0);
        nodes.heartbeat("node-b", 1, "test", 0);
        int added = s.jdbc().tx("store", c -> s.inbox().addAll(c, List.of(List.of(
                InboxItem.of("m:1", "message", "{\"n\":1}"), InboxItem.of("m:2", "message", "{\"n\":2}"))),
                1_000, "node-a")[0]);
        assertThat(added).isEqualTo(2);
        assertThat(s.inbox().claimed("node-a", 10, 1_000)).extracting(InboxRow::body)
                .containsExactly("{\"n\":1}", "{\"n\":2}");
        assertThat(s.inbox().claimed("node-b", 10, 1_000)).isEmpty();
        assertThat(s.inbox().claim("node-b", 10, 1_000, 60_000, false)).as("node a lives").isEmpty();
        assertThat(s.inbox().claim("node-b", 10, 1_000, 60_000, true)).as("node a lives").isEmpty();

        // node a is not seen for longer than the lease: node b takes its notifications over, once
        assertThat(s.inbox().claim("node-b", 10, 1_000, 0, false)).extracting(InboxRow::body)
                .containsExactly("{\"n\":1}", "{\"n\":2}");
        assertThat(s.inbox().claimed("node-a", 10, 1_000)).isEmpty();
        assertThat(s.inbox().claimed("node-b", 10, 1_000)).hasSize(2);
        assertThat(s.inbox().claim("node-b", 10, 1_000, 0, true)).as("its own are not claimed again").isEmpty();
    }

    @Test
    void theNotificationsOfANodeTheClusterForgotAreTakenOverByTheSweepOfEveryClaimAndUnclaimedOnesByAny() {
        Store s = openedStore();
        s.cluster().heartbeat("node-b", 1, "test", 0);
        s.jdbc().tx("store", c -> s.inbox().addAll(c, List.of(List.of(InboxItem.of("m:1", "message", "{\"n\":1}"))),
                1_000, "node-forgotten"));
        s.jdbc().tx("store", c -> s.inbox().add(c, List.of(InboxItem.of("m:2", "message", "{\"n\":2}")), 1_000));
        assertThat(s.inbox().claim("node-b", 10, 1_000, 60_000, false)).as("the quick look: the unclaimed one")
                .extracting(InboxRow::body).containsExactly("{\"n\":2}");
        assertThat(s.inbox().claim("node-b", 10, 1_000, 60_000, true)).as("every claim checked")
                .extracting(InboxRow::body).containsExactly("{\"n\":1}");
    }

    @Test
    void aNodeReadsItsClaimsPastWhatItHandledOrFromTheStart() {
        Store s = openedStore();
        s.cluster().heartbeat("node-a", 1, "test", 0);
        s.jdbc().tx("store", c -> s.inbox().addAll(c, List.of(List.of(InboxItem.of("m:1", "message", "{\"n\":1}"),
                InboxItem.of("m:2", "message", "{\"n\":2}"), InboxItem.of("m:3", "message", "{\"n\":3}"))), 1_000, "node-a"));
        List<InboxRow> all = s.inbox().claimed("node-a", 10, 1_000);
        assertThat(all).hasSize(3);
        long second = all.get(1).seq();
        assertThat(s.inbox().claimed("node-a", second, 10, 1_000)).extracting(InboxRow::body).containsExactly("{\"n\":3}");
        // the second delivered: a look past it sees the third; one from the start the first too
        s.inbox().done(List.of(second));
        assertThat(s.inbox().claimed("node-a", second, 10, 1_000)).extracting(InboxRow::body).containsExactly("{\"n\":3}");
        assertThat(s.inbox().claimed("node-a", 0, 10, 1_000)).extracting(InboxRow::body)
                .containsExactly("{\"n\":1}", "{\"n\":3}");
    }
}
