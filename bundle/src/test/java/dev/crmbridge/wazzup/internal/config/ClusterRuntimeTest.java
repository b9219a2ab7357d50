package dev.crmbridge.wazzup.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crmbridge.wazzup.internal.store.Postgres;
import java.net.URI;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Runtimes of a cluster's nodes on one PostgreSQL: what one node says of the others in its status. */
class ClusterRuntimeTest {

    @Test
    void aNodeConfiguredWithAnotherApiKeyIsNamedInTheOthersStatusWithoutTheKey() {
        DataSource db = Postgres.database("cluster_runtime_keys");
        String url = Postgres.url(db);
        URI nowhere = URI.create("http://127.0.0.1:9"); // no Wazzup needed: nothing is synced here
        try (TestRuntime a = TestRuntime.builder().wazzup(nowhere, "key-of-account-one-0001").config("initialSync", false)
                .store(Postgres.dataSource(url)).node("node-a", Duration.ofSeconds(2)).start();
                TestRuntime b = TestRuntime.builder().wazzup(nowhere, "key-of-account-two-0002").config("initialSync", false)
                        .store(Postgres.dataSource(url)).node("node-b", Duration.ofSeconds(2)).start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> a.status.problem() != null
                    && a.status.problem().contains("node-b"));
            assertThat(a.status.problem()).contains("another Wazzup API key").doesNotContain("key-of-account");
            await().atMost(Duration.ofSeconds(10)).until(() -> b.status.problem() != null
                    && b.status.problem().contains("node-a"));
        }
    }

    @Test
    void nodesWithTheSameKeySayNothingOfIt() {
        DataSource db = Postgres.database("cluster_runtime_same_key");
        String url = Postgres.url(db);
        URI nowhere = URI.create("http://127.0.0.1:9");
        try (TestRuntime a = TestRuntime.builder().wazzup(nowhere, "key-of-account-one-0001").config("initialSync", false)
                .store(Postgres.dataSource(url)).node("node-a", Duration.ofSeconds(2)).start();
                TestRuntime b = TestRuntime.builder().wazzup(nowhere, "key-of-account-one-0001").config("initialSync", false)
                        .store(Postgres.dataSource(url)).node("node-b", Duration.ofSeconds(2)).start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> a.storage.cluster().lastNodes().size() == 2
                    && a.storage.cluster().lastNodes().stream().allMatch(n -> n.keyDigest() != null));
            String p = a.status.problem();
            assertThat(p == null ? "" : p).doesNotContain("another Wazzup API key");
        }
    }
}
