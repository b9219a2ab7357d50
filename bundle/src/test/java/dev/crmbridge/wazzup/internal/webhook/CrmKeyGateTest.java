package dev.crmbridge.wazzup.internal.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crmbridge.wazzup.internal.store.StoreHandle;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The crmKey check: required once Wazzup was seen sending it, on this node or another of the cluster. */
class CrmKeyGateTest {

    @TempDir
    Path dir;

    private StoreHandle handle;

    @BeforeEach
    void open() {
        handle = StoreHandle.embedded(dir.toFile(), "default");
    }

    @AfterEach
    void close() {
        handle.close();
    }

    @Test
    void onceOneNodeSawWazzupSendTheCrmKeyAnotherNodeOnTheSameStoreRequiresItToo() {
        CrmKeyGate a = new CrmKeyGate("crm-key-1", handle.store().meta());
        CrmKeyGate b = new CrmKeyGate("crm-key-1", handle.store().meta());
        assertThat(b.admits(null)).as("not seen anywhere yet: the URL secret is enough").isTrue();
        assertThat(a.admits("Bearer wrong")).isFalse();
        assertThat(a.admits("bearer crm-key-1")).isTrue();
        assertThat(a.admits(null)).as("seen here: required").isFalse();
        // node b learns it from the store (it looks again a second after its last look)
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(3)).until(() -> !b.admits(null));
        assertThat(b.required()).isTrue();
        assertThat(b.admits("Bearer crm-key-1")).isTrue();
        // a new connection (another crmKey) starts over
        assertThat(new CrmKeyGate("crm-key-2", handle.store().meta()).admits(null)).isTrue();
    }
}
