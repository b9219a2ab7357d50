package dev.crmbridge.wazzup.internal.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crmbridge.wazzup.api.IntegrationScheme;
import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.internal.store.FaultyDataSource;
import dev.crmbridge.wazzup.internal.store.Fence;
import dev.crmbridge.wazzup.internal.store.GroupWriter;
import dev.crmbridge.wazzup.internal.store.OutboxRow;
import dev.crmbridge.wazzup.internal.store.Store;
import dev.crmbridge.wazzup.internal.store.StoreHandle;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The change recorder: it queues without waiting for the store, and keeps every change until a store
 * takes it: while the store stalls or fails, while there is no runtime (a configuration change), and when
 * the runtime it wrote for is replaced (fenced).
 */
class ChangeRecorderTest {

    private FaultyDataSource db;
    private StoreHandle handle;
    private ChangeRecorder recorder;
    private final AtomicReference<ChangeRecorder.Target> target = new AtomicReference<>();
    private final AtomicInteger storedSignals = new AtomicInteger();
    private final java.util.Set<EntityType> unreadableTypes = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private ChangeRecorder.Target target(Fence fence) {
        Store store = handle.store().fenced(fence);
        List<SyncedType<?, ?>> types = SyncedType.forScheme(IntegrationScheme.CLIENT_MANAGEMENT, new Payloads(PhoneRules.NONE));
        return new ChangeRecorder.Target() {
            @Override
            public Store store() {
                return store;
            }

            @Override
            public GroupWriter writer() {
                return handle.writer();
            }

            @Override
            public Fence fence() {
                return fence;
            }

            @Override
            public List<SyncedType<?, ?>> types() {
                return types;
            }

            @Override
            public void stored(EntityType type, int count) {
                storedSignals.addAndGet(count);
            }

            @Override
            public void unreadable(EntityType type) {
                unreadableTypes.add(type);
            }
        };
    }

    @BeforeEach
    void open() {
        db = new FaultyDataSource("recorder-" + System.nanoTime());
        handle = StoreHandle.of(db, "default");
        recorder = new ChangeRecorder(target::get, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        recorder.close(Duration.ofSeconds(1));
        handle.close();
    }

    private int outbox() {
        return handle.store().outbox().counts().values().stream().mapToInt(Long::intValue).sum();
    }

    private static List<String> ids(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("c" + i);
        }
        return out;
    }

    @Test
    void changesWaitWhileTheStoreStallsAndAreStoredAfterwards() {
        target.set(target(Fence.NONE));
        db.stallFor(2_000);
        for (String id : ids(5_000)) {
            recorder.record(EntityType.CONTACT, id, OutboxRow.Op.SAVE);
        }
        assertThat(recorder.unstored()).as("counted while they wait").isPositive();
        assertThat(recorder.unstoredByType().get(EntityType.CONTACT)).isPositive();
        assertThat(recorder.flush(Duration.ofSeconds(30))).isTrue();
        assertThat(outbox()).isEqualTo(5_000);
        assertThat(recorder.unstored()).isZero();
        assertThat(storedSignals.get()).isEqualTo(5_000);
    }

    @Test
    void aStoreThatStallsIsNamedInTheProblemWhileTheChangesWait() {
        target.set(target(Fence.NONE));
        db.stallFor(ChangeRecorder.STALL_REPORTED_AFTER.toMillis() + 2_000);
        recorder.record(EntityType.CONTACT, ids(10), OutboxRow.Op.SAVE);
        await().atMost(Duration.ofSeconds(15)).until(() -> recorder.problem() != null);
        assertThat(recorder.problem()).startsWith("10 changes reported by the CRM wait to be stored")
                .contains("the store has not answered for");
        assertThat(recorder.flush(Duration.ofSeconds(30))).isTrue();
        assertThat(outbox()).isEqualTo(10);
        assertThat(recorder.problem()).isNull();
    }

    @Test
    void aHostCollectionThatFailsWhileReadIsComparedAgainAndCountsNothingForever() {
        target.set(target(Fence.NONE));
        List<String> failing = new java.util.AbstractList<>() {
            @Override
            public String get(int index) {
                if (index == 3) {
                    throw new java.util.ConcurrentModificationException("the host changed it");
                }
                return "c" + index;
            }

            @Override
            public int size() {
                return 10;
            }
        };
        recorder.record(EntityType.CONTACT, failing, OutboxRow.Op.SAVE);
        recorder.record(EntityType.CONTACT, "c-after", OutboxRow.Op.SAVE);

        assertThat(recorder.flush(Duration.ofSeconds(10))).as("nothing counted as waiting forever").isTrue();
        assertThat(recorder.unstored()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> unreadableTypes.contains(EntityType.CONTACT));
        assertThat(outbox()).as("the ids read before the failure and the next change").isEqualTo(4);
    }

    @Test
    void aStoreThatFailsIsTriedAgainAndLosesNothingWhileTheProblemNamesTheWait() {
        target.set(target(Fence.NONE));
        db.fail(sql -> sql.contains("wz_outbox"), 3);
        recorder.record(EntityType.CONTACT, ids(300), OutboxRow.Op.SAVE);
        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.problem() != null || outbox() == 300);
        assertThat(recorder.flush(Duration.ofSeconds(30))).isTrue();
        assertThat(outbox()).isEqualTo(300);
        assertThat(db.failed()).isEqualTo(3);
        assertThat(recorder.problem()).isNull();
    }

    @Test
    void changesWithoutARuntimeWaitForTheNext() {
        recorder.record(EntityType.DEAL, new String[] {"d1", "d2"}, OutboxRow.Op.SAVE);
        recorder.record(EntityType.DEAL, List.of("d2"), OutboxRow.Op.DELETE);
        assertThat(recorder.flush(Duration.ofMillis(300))).as("nowhere to store them yet").isFalse();
        assertThat(recorder.unstored()).isPositive();
        target.set(target(Fence.NONE));
        assertThat(recorder.flush(Duration.ofSeconds(10))).isTrue();
        List<OutboxRow> rows = handle.store().outbox().due(EntityType.DEAL, Long.MAX_VALUE, "", 10);
        assertThat(rows).extracting(OutboxRow::id, OutboxRow::op).containsExactly(
                org.assertj.core.groups.Tuple.tuple("d1", OutboxRow.Op.SAVE),
                org.assertj.core.groups.Tuple.tuple("d2", OutboxRow.Op.DELETE));
    }

    @Test
    void changesForAReplacedRuntimeGoToItsSuccessor() {
        Fence old = new Fence("the old runtime");
        target.set(target(old));
        old.close(); // replaced before it could store anything
        recorder.record(EntityType.USER, "u1", OutboxRow.Op.SAVE);
        assertThat(recorder.flush(Duration.ofMillis(300))).isFalse();
        target.set(target(new Fence("the new runtime")));
        assertThat(recorder.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(handle.store().outbox().due(EntityType.USER, Long.MAX_VALUE, "", 10)).extracting(OutboxRow::id)
                .containsExactly("u1");
    }

    @Test
    void aHundredThousandIdsInOneEventAreStoredInChunks() {
        target.set(target(Fence.NONE));
        List<String> many = ids(100_000);
        recorder.record(EntityType.CONTACT, many, OutboxRow.Op.SAVE);
        assertThat(recorder.flush(Duration.ofSeconds(60))).isTrue();
        assertThat(outbox()).isEqualTo(100_000);
        assertThat(handle.writer().commits()).as("one transaction per chunk of " + ChangeRecorder.CHUNK + " at most")
                .isGreaterThanOrEqualTo(100_000 / ChangeRecorder.CHUNK);
    }
}
