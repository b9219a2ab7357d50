package dev.crmbridge.wazzup.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crmbridge.wazzup.api.sync.DeadLetter;
import dev.crmbridge.wazzup.api.sync.EntityType;
import java.io.File;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storage switch: everything of the account moves to the new store, nothing Wazzup was answered for
 * stays behind, and what the new store already holds stays as it is.
 */
class HandoverTest {

    @TempDir
    Path dir;

    private StoreHandle from;
    private StoreHandle to;

    @AfterEach
    void close() {
        if (from != null) {
            from.close();
        }
        if (to != null) {
            to.close();
        }
    }

    private static InboxItem item(String key) {
        return InboxItem.of(key, "message", "{\"messageId\":\"" + key + "\"}");
    }

    @Test
    void everythingOfTheAccountMovesAndNothingIsCopiedTwice() {
        from = StoreHandle.embedded(new File(dir.toFile(), "old"), "default");
        to = StoreHandle.embedded(new File(dir.toFile(), "new"), "default");
        Store a = from.store();
        Store b = to.store();
        long now = 1_000_000;
        a.outbox().enqueue(EntityType.CONTACT, List.of("c1", "c2"), OutboxRow.Op.SAVE, now);
        a.outbox().enqueue(EntityType.DEAL, List.of("d1"), OutboxRow.Op.DELETE, now);
        a.jdbc().tx("test", c -> a.inbox().add(c, List.of(item("m:1"), item("m:2"),
                InboxItem.setAside("x:1", "message", "42", "not an object")), now));
        a.aligned(EntityType.CONTACT, Map.of("c9", "hash-9"), Map.of(), now);
        a.deadLetters().put(new DeadLetter(EntityType.CONTACT, "c7", "REJECTED", "no", List.of(), Instant.ofEpochMilli(now), 1));
        a.creations().begin("contact:wa:79011112233", EntityType.CONTACT, now);
        a.meta().put("reconcile.requested", "1");
        // the new store already has one of the notifications and one outbox row of its own
        b.jdbc().tx("test", c -> b.inbox().add(c, List.of(item("m:2")), now));
        b.outbox().enqueue(EntityType.USER, List.of("u1"), OutboxRow.Op.SAVE, now);

        Map<String, Integer> copied = Handover.copy(a, b);

        assertThat(copied).containsEntry("wz_outbox", 3).containsEntry("wz_inbox", 2).containsEntry("wz_synced", 1)
                .containsEntry("wz_dead", 1).containsEntry("wz_created", 1).containsEntry("wz_meta", 1);
        assertThat(b.outbox().counts()).containsEntry(EntityType.CONTACT, 2L).containsEntry(EntityType.DEAL, 1L)
                .containsEntry(EntityType.USER, 1L);
        assertThat(b.inbox().pending(10, Long.MAX_VALUE)).extracting(InboxRow::key).containsExactly("m:2", "m:1");
        assertThat(b.inbox().count('X')).isEqualTo(1);
        assertThat(b.synced().hashes(EntityType.CONTACT, List.of("c9"))).containsEntry("c9", "hash-9");
        assertThat(b.deadLetters().all()).extracting(DeadLetter::entityId).containsExactly("c7");
        assertThat(b.creations().find("contact:wa:79011112233")).isNotNull();
        assertThat(b.meta().get("reconcile.requested")).isEqualTo("1");
        // the repeats Wazzup may send still meet their keys in the new store
        int repeated = b.jdbc().tx("test", c -> b.inbox().add(c, List.of(item("m:1")), now + 1));
        assertThat(repeated).isZero();

        assertThat(Handover.copy(a, b).values()).as("a second copy finds everything there").containsOnly(0);
    }
}
