package dev.crmbridge.wazzup.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crmbridge.wazzup.api.sync.EntityType;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook tables of the store: de-duplication within its window, and forgetting after it (on H2; the
 * same tests on PostgreSQL in {@link InboxStorePostgresTest}).
 */
class InboxStoreTest {

    @TempDir
    Path dir;

    private StoreHandle handle;
    private Store store;

    @BeforeEach
    void open() {
        handle = openHandle();
        store = handle.store();
    }

    Store openedStore() {
        return store;
    }

    /** The store the tests run on: embedded H2 here, PostgreSQL in {@link InboxStorePostgresTest}. */
    StoreHandle openHandle() {
        return StoreHandle.embedded(dir.toFile(), "default");
    }

    @AfterEach
    void close() {
        handle.close();
    }

    private static InboxItem item(String key) {
        return InboxItem.of(key, "message", "{\"messageId\":\"" + key + "\"}");
    }

    private int add(long now, InboxItem... items) {
        return store.jdbc().tx("test", c -> store.inbox().add(c, List.of(items), now));
    }

    @Test
    void aRepeatIsStoredOnceEvenAfterItWasHandledUntilItsKeyIsPurged() {
        assertThat(add(1_000, item("m:1:new"), item("m:1:new"), item("m:2:new"))).isEqualTo(2);
        List<InboxRow> pending = store.inbox().pending(10, 1_000);
        assertThat(pending).extracting(InboxRow::body).containsExactly("{\"messageId\":\"m:1:new\"}", "{\"messageId\":\"m:2:new\"}");

        store.inbox().done(pending.stream().map(InboxRow::seq).toList());
        assertThat(store.inbox().count('P')).isZero();
        assertThat(add(2_000, item("m:1:new"))).as("a repeat after handling").isZero();

        assertThat(store.inbox().purge(1_500)).as("keys seen before 1500").isEqualTo(2);
        assertThat(add(3_000, item("m:1:new"))).as("after the window it is new again").isEqualTo(1);
        assertThat(store.inbox().purge(1_500)).as("the fresh key stays").isZero();
    }

    @Test
    void theKeyOfANotificationStillWaitingOutlivesTheWindowSoItsRepeatIsDroppedNotRefused() {
        assertThat(add(1_000, item("m:1:new"))).isEqualTo(1); // EventAdmin away for longer than the window
        assertThat(store.inbox().purge(5_000)).as("its key stays while it waits").isZero();
        assertThat(add(6_000, item("m:1:new"))).as("Wazzup's repeat").isZero();
        assertThat(store.inbox().count('P')).isEqualTo(1);
    }

    @Test
    void deliveriesStoredTogetherEachCountTheirOwnNewItemsAndARepeatAcrossThemCountsOnce() {
        int[] added = store.jdbc().tx("test", c -> store.inbox().addAll(c, List.of(
                List.of(item("m:1:new"), item("m:2:new")),
                List.of(item("m:2:new"), item("m:3:new")),
                List.of(),
                List.of(item("m:1:new"))), 1_000, null));
        assertThat(added).containsExactly(2, 1, 0, 0);
        assertThat(store.inbox().pending(10, 1_000)).extracting(InboxRow::body).containsExactly(
                "{\"messageId\":\"m:1:new\"}", "{\"messageId\":\"m:2:new\"}", "{\"messageId\":\"m:3:new\"}");
    }

    @Test
    void pendingRowsComeOldestFirstUpToTheLimitBehindALongBacklog() {
        InboxItem[] many = new InboxItem[3_000];
        for (int i = 0; i < many.length; i++) {
            many[i] = item("m:" + i + ":new");
        }
        assertThat(add(1_000, many)).isEqualTo(3_000);
        List<InboxRow> first = store.inbox().pending(100, 1_000);
        assertThat(first).hasSize(100).extracting(InboxRow::body).startsWith("{\"messageId\":\"m:0:new\"}")
                .endsWith("{\"messageId\":\"m:99:new\"}");
        store.inbox().done(first.stream().map(InboxRow::seq).toList());
        assertThat(store.inbox().pending(1, 1_000)).extracting(InboxRow::body).containsExactly("{\"messageId\":\"m:100:new\"}");
    }

    @Test
    void aSetAsideItemIsKeptWithItsReasonAndIsNotPending() {
        assertThat(add(1_000, item("m:1:new"), InboxItem.setAside("x:message:1", "message", "\"text\"", "not an object")))
                .isEqualTo(1);
        assertThat(store.inbox().count('P')).isEqualTo(1);
        assertThat(store.inbox().setAside(10)).singleElement().satisfies(n -> {
            assertThat(n.reason()).isEqualTo("not an object");
            assertThat(n.kind()).isEqualTo("message");
        });
        // its repeat is recognised too, and the window forgets it
        assertThat(add(1_500, InboxItem.setAside("x:message:1", "message", "\"text\"", "not an object"))).isZero();
        store.inbox().purge(2_000);
        assertThat(store.inbox().setAside(10)).isEmpty();
    }

    @Test
    void aKeyLongerThanItsColumnIsStoredUnderABoundedKeyAndStillRecognised() {
        String longKey = "m:" + "x".repeat(5_000) + ":new";
        assertThat(add(1_000, item(longKey))).isEqualTo(1);
        assertThat(add(1_000, item(longKey))).isZero();
        assertThat(store.inbox().pending(10, 1_000)).singleElement()
                .satisfies(r -> assertThat(r.key().length()).isLessThanOrEqualTo(Schema.DEDUP));
    }

    @Test
    void aCreationRequestIsRecordedBeforeItsAnswerAndKeptUntilPurged() {
        assertThat(store.creations().begin("contact:whatsapp:79011112233", EntityType.CONTACT, 1_000)).isTrue();
        assertThat(store.creations().begin("contact:whatsapp:79011112233", EntityType.CONTACT, 1_001))
                .as("recorded already").isFalse();
        assertThat(store.creations().find("contact:whatsapp:79011112233").answered()).isFalse();
        store.answerCreation("contact:whatsapp:79011112233", EntityType.CONTACT, "c1", "hash",
                new Refs("u1", List.of(Refs.chatKey("whatsapp", "79011112233")), List.of()), 1_000);
        assertThat(store.creations().find("contact:whatsapp:79011112233").entityId()).isEqualTo("c1");
        assertThat(store.refs().chatOwners("whatsapp", List.of("79011112233")).contactIds()).containsExactly("c1");
        assertThat(store.creations().purge(999)).isZero();
        assertThat(store.creations().purge(1_001)).isEqualTo(1);
        assertThat(store.creations().find("contact:whatsapp:79011112233")).isNull();
    }
}
