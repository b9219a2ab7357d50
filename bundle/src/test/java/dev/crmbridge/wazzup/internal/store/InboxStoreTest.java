package dev.crmbridge.wazzup.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crmbridge.wazzup.api.sync.EntityType;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook tables of the store: de-duplication within its window, and forgetting after it. */
class InboxStoreTest {

    @TempDir
    Path dir;

    private EmbeddedDatabase db;
    private SyncStore store;

    @BeforeEach
    void open() {
        db = new EmbeddedDatabase(dir.toFile());
        store = new SyncStore(db.dataSource(), "default");
        store.migrate();
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static String[] item(String key) {
        return new String[] {key, "message", "{\"messageId\":\"" + key + "\"}"};
    }

    @Test
    void aRepeatIsStoredOnceEvenAfterItWasHandledUntilItsKeyIsPurged() {
        assertThat(store.inboxAdd(List.of(item("m:1:new"), item("m:1:new"), item("m:2:new")), 1_000)).isEqualTo(2);
        List<InboxRow> pending = store.inboxPending(10);
        assertThat(pending).extracting(InboxRow::body).containsExactly("{\"messageId\":\"m:1:new\"}", "{\"messageId\":\"m:2:new\"}");

        store.inboxDone(pending.stream().map(InboxRow::seq).toList());
        assertThat(store.inboxPendingCount()).isZero();
        assertThat(store.inboxAdd(List.<String[]>of(item("m:1:new")), 2_000)).as("a repeat after handling").isZero();

        assertThat(store.inboxPurge(1_500)).as("keys seen before 1500").isEqualTo(2);
        assertThat(store.inboxAdd(List.<String[]>of(item("m:1:new")), 3_000)).as("after the window it is new again").isEqualTo(1);
        assertThat(store.inboxPurge(1_500)).as("the fresh key stays").isZero();
    }

    @Test
    void aCreationAnswerIsKeptUntilPurged() {
        store.recordCreated("contact:whatsapp:79011112233", EntityType.CONTACT, "c1", "hash",
                new Refs("u1", List.of(Refs.chatKey("whatsapp", "79011112233")), List.of()), 1_000);
        assertThat(store.created("contact:whatsapp:79011112233")).isEqualTo("c1");
        assertThat(store.createdPurge(999)).isZero();
        assertThat(store.created("contact:whatsapp:79011112233")).isEqualTo("c1");
        assertThat(store.createdPurge(1_001)).isEqualTo(1);
        assertThat(store.created("contact:whatsapp:79011112233")).isNull();
    }
}
