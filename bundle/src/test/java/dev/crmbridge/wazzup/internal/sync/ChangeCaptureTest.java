package dev.crmbridge.wazzup.internal.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.tuple;

import dev.crmbridge.wazzup.api.IntegrationScheme;
import dev.crmbridge.wazzup.api.event.CrmEvents;
import dev.crmbridge.wazzup.api.sync.DeadLetter;
import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.internal.store.Fence;
import dev.crmbridge.wazzup.internal.store.GroupWriter;
import dev.crmbridge.wazzup.internal.store.OutboxRow;
import dev.crmbridge.wazzup.internal.store.OutboxRow.Op;
import dev.crmbridge.wazzup.internal.store.Schema;
import dev.crmbridge.wazzup.internal.store.Store;
import dev.crmbridge.wazzup.internal.store.StoreHandle;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.event.Event;

/** The host's change events recorded in the outbox: one row per entity, the latest operation winning. */
class ChangeCaptureTest {

    @TempDir
    Path dir;

    private StoreHandle handle;
    private ChangeRecorder recorder;
    private ChangeCapture capture;
    private final Map<EntityType, AtomicInteger> storedCounts = new ConcurrentHashMap<>();
    private final Clock clock = Clock.fixed(Instant.parse("2025-05-06T10:00:00Z"), ZoneOffset.UTC);

    private Store store() {
        return handle.store();
    }

    private void start(IntegrationScheme scheme) {
        handle = StoreHandle.embedded(dir.toFile(), "default");
        List<SyncedType<?, ?>> types = SyncedType.forScheme(scheme, new Payloads(PhoneRules.NONE));
        Store store = handle.store();
        GroupWriter writer = handle.writer();
        Fence fence = new Fence("test");
        ChangeRecorder.Target target = new ChangeRecorder.Target() {
            @Override
            public Store store() {
                return store;
            }

            @Override
            public GroupWriter writer() {
                return writer;
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
                storedCounts.computeIfAbsent(type, t -> new AtomicInteger()).addAndGet(count);
            }

            @Override
            public void unreadable(EntityType type) {
            }
        };
        recorder = new ChangeRecorder(() -> target, clock);
        capture = new ChangeCapture(recorder);
    }

    private void start() {
        start(IntegrationScheme.CLIENT_MANAGEMENT);
    }

    @AfterEach
    void stop() {
        if (recorder != null) {
            recorder.close(Duration.ofSeconds(5));
        }
        if (handle != null) {
            handle.close();
        }
    }

    private void flush() {
        assertThat(recorder.flush(Duration.ofSeconds(10))).as("everything stored").isTrue();
        assertThat(recorder.unstored()).isZero();
    }

    private List<OutboxRow> rows(EntityType type) {
        return store().outbox().due(type, Long.MAX_VALUE, "", 10_000);
    }

    private Map<String, Op> ops(EntityType type) {
        Map<String, Op> out = new HashMap<>();
        for (OutboxRow r : rows(type)) {
            assertThat(out.put(r.id(), r.op())).as("one row per entity").isNull();
        }
        return out;
    }

    private void assertNothingRecorded() {
        for (EntityType t : EntityType.values()) {
            assertThat(rows(t)).as(t.name()).isEmpty();
        }
        assertThat(store().deadLetters().all()).isEmpty();
    }

    private static Event event(String topic, Map<String, ?> properties) {
        return new Event(topic, properties);
    }

    private static Map<String, Object> props(Object... keyValues) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    // ------------------------------------------------------------------ single ids

    @Test
    void savedAndDeletedOfEachTypeWithAnIdBecomeRowsWithTheirOperation() {
        start();
        capture.handle(CrmEvents.saved(CrmEvents.ENTITY_USER, "u-1"));
        capture.handle(CrmEvents.deleted(CrmEvents.ENTITY_USER, "u-2"));
        capture.handle(CrmEvents.saved(CrmEvents.ENTITY_CONTACT, "c-1"));
        capture.handle(CrmEvents.deleted(CrmEvents.ENTITY_CONTACT, "c-2"));
        capture.handle(CrmEvents.saved(CrmEvents.ENTITY_DEAL, "d-1"));
        capture.handle(CrmEvents.deleted(CrmEvents.ENTITY_DEAL, "d-2"));
        flush();

        assertThat(ops(EntityType.USER)).isEqualTo(Map.of("u-1", Op.SAVE, "u-2", Op.DELETE));
        assertThat(ops(EntityType.CONTACT)).isEqualTo(Map.of("c-1", Op.SAVE, "c-2", Op.DELETE));
        assertThat(ops(EntityType.DEAL)).isEqualTo(Map.of("d-1", Op.SAVE, "d-2", Op.DELETE));
        assertThat(rows(EntityType.PIPELINE)).isEmpty();
        assertThat(store().deadLetters().all()).isEmpty();
        assertThat(storedCounts.get(EntityType.CONTACT)).hasValue(2);
    }

    @Test
    void theRowsAreDueAtTheRecordersTime() {
        start();
        capture.handle(CrmEvents.saved(CrmEvents.ENTITY_CONTACT, "c-1"));
        flush();
        assertThat(rows(EntityType.CONTACT)).singleElement().satisfies(r -> {
            assertThat(r.dueAt()).isEqualTo(clock.millis());
            assertThat(r.attempts()).isZero();
        });
    }

    @Test
    void aNonStringIdIsTakenAsText() {
        start();
        capture.handle(event(CrmEvents.TOPIC_CONTACT_SAVED, props(CrmEvents.PROPERTY_ID, 42L)));
        capture.handle(event(CrmEvents.TOPIC_CONTACT_SAVED, props(CrmEvents.PROPERTY_ID, "  c-7  ")));
        flush();
        assertThat(ops(EntityType.CONTACT)).isEqualTo(Map.of("42", Op.SAVE, "c-7", Op.SAVE));
    }

    // ------------------------------------------------------------------ many ids

    @Test
    void idsAsAStringArray() {
        start();
        capture.handle(CrmEvents.savedAll(CrmEvents.ENTITY_CONTACT, List.of("c-1", "c-2", "c-3")));
        capture.handle(CrmEvents.deletedAll(CrmEvents.ENTITY_DEAL, List.of("d-1", "d-2")));
        flush();
        assertThat(ops(EntityType.CONTACT)).isEqualTo(Map.of("c-1", Op.SAVE, "c-2", Op.SAVE, "c-3", Op.SAVE));
        assertThat(ops(EntityType.DEAL)).isEqualTo(Map.of("d-1", Op.DELETE, "d-2", Op.DELETE));
    }

    @Test
    void idsAsACollection() {
        start();
        capture.handle(event(CrmEvents.TOPIC_USER_SAVED, props(CrmEvents.PROPERTY_IDS, List.of("u-1", "u-2"))));
        capture.handle(event(CrmEvents.TOPIC_CONTACT_DELETED, props(CrmEvents.PROPERTY_IDS, Set.of("c-1"))));
        flush();
        assertThat(ops(EntityType.USER)).isEqualTo(Map.of("u-1", Op.SAVE, "u-2", Op.SAVE));
        assertThat(ops(EntityType.CONTACT)).isEqualTo(Map.of("c-1", Op.DELETE));
    }

    @Test
    void idAndIdsTogetherAreAllRecorded() {
        start();
        capture.handle(event(CrmEvents.TOPIC_CONTACT_SAVED,
                props(CrmEvents.PROPERTY_ID, "c-0", CrmEvents.PROPERTY_IDS, new String[] {"c-1", "c-2"})));
        flush();
        assertThat(ops(EntityType.CONTACT)).isEqualTo(Map.of("c-0", Op.SAVE, "c-1", Op.SAVE, "c-2", Op.SAVE));
    }

    @Test
    void aLargeImportIsRecordedWhole() {
        start();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            ids.add("c-" + i);
        }
        capture.handle(CrmEvents.savedAll(CrmEvents.ENTITY_CONTACT, ids));
        flush();
        assertThat(rows(EntityType.CONTACT)).hasSize(2_500).allSatisfy(r -> assertThat(r.op()).isEqualTo(Op.SAVE));
    }

    // ------------------------------------------------------------------ the latest operation wins

    @Test
    void theLatestOperationOfAnEntityWinsWithinOneFlush() {
        start();
        capture.handle(CrmEvents.saved(CrmEvents.ENTITY_CONTACT, "c-1"));
        capture.handle(CrmEvents.deleted(CrmEvents.ENTITY_CONTACT, "c-1"));
        capture.handle(CrmEvents.deleted(CrmEvents.ENTITY_CONTACT, "c-2"));
        capture.handle(CrmEvents.savedAll(CrmEvents.ENTITY_CONTACT, List.of("c-2", "c-3")));
        flush();
        assertThat(ops(EntityType.CONTACT)).isEqualTo(Map.of("c-1", Op.DELETE, "c-2", Op.SAVE, "c-3", Op.SAVE));
    }

    @Test
    void theLatestOperationWinsAcrossFlushesInOneRow() {
        start();
        capture.handle(CrmEvents.saved(CrmEvents.ENTITY_DEAL, "d-1"));
        flush();
        long seq = rows(EntityType.DEAL).get(0).seq();
        capture.handle(CrmEvents.deleted(CrmEvents.ENTITY_DEAL, "d-1"));
        flush();
        assertThat(rows(EntityType.DEAL)).singleElement().satisfies(r -> {
            assertThat(r.op()).isEqualTo(Op.DELETE);
            assertThat(r.seq()).isGreaterThan(seq);
        });
        capture.handle(CrmEvents.saved(CrmEvents.ENTITY_DEAL, "d-1"));
        flush();
        assertThat(ops(EntityType.DEAL)).isEqualTo(Map.of("d-1", Op.SAVE));
    }

    // ------------------------------------------------------------------ pipelines

    @Test
    void pipelineEventsBecomeOneRowForTheWholeSetAlwaysASave() {
        start();
        capture.handle(CrmEvents.saved(CrmEvents.ENTITY_PIPELINE, "p-1"));
        capture.handle(CrmEvents.deleted(CrmEvents.ENTITY_PIPELINE, "p-2"));
        capture.handle(CrmEvents.savedAll(CrmEvents.ENTITY_PIPELINE, List.of("p-3", "p-4")));
        flush();
        assertThat(rows(EntityType.PIPELINE)).extracting(OutboxRow::id, OutboxRow::op).containsExactly(tuple("*", Op.SAVE));

        capture.handle(CrmEvents.deleted(CrmEvents.ENTITY_PIPELINE, "p-1"));
        flush();
        assertThat(rows(EntityType.PIPELINE)).extracting(OutboxRow::id, OutboxRow::op).containsExactly(tuple("*", Op.SAVE));
    }

    // ------------------------------------------------------------------ what is ignored

    @Test
    void malformedEventsRecordNothingAndThrowNothing() {
        start();
        List<Event> bad = List.of(
                event(CrmEvents.TOPIC_PREFIX + "company/SAVED", props(CrmEvents.PROPERTY_ID, "x-1")),
                event(CrmEvents.TOPIC_PREFIX + "contact/UPDATED", props(CrmEvents.PROPERTY_ID, "c-1")),
                event(CrmEvents.TOPIC_PREFIX + "contact/saved", props(CrmEvents.PROPERTY_ID, "c-1")),
                event(CrmEvents.TOPIC_PREFIX + "contact", props(CrmEvents.PROPERTY_ID, "c-1")),
                event(CrmEvents.TOPIC_PREFIX + "contact/SAVED/extra", props(CrmEvents.PROPERTY_ID, "c-1")),
                event("org/example/contact/SAVED", props(CrmEvents.PROPERTY_ID, "c-1")),
                event("dev/crmbridge/wazzup/message/RECEIVED", props(CrmEvents.PROPERTY_ID, "c-1")),
                event(CrmEvents.TOPIC_CONTACT_SAVED, props()),
                event(CrmEvents.TOPIC_CONTACT_SAVED, props("identifier", "c-1")));
        for (Event e : bad) {
            assertThatCode(() -> capture.handle(e)).as(e.getTopic()).doesNotThrowAnyException();
        }
        flush();
        assertNothingRecorded();
    }

    @Test
    void blankAndNullIdsAreIgnored() {
        start();
        capture.handle(event(CrmEvents.TOPIC_CONTACT_SAVED,
                props(CrmEvents.PROPERTY_IDS, new String[] {"c-1", "", "   ", null, "c-2"})));
        capture.handle(event(CrmEvents.TOPIC_CONTACT_SAVED, props(CrmEvents.PROPERTY_IDS, Arrays.asList(null, "c-3", " "))));
        capture.handle(event(CrmEvents.TOPIC_CONTACT_SAVED, props(CrmEvents.PROPERTY_ID, "  ")));
        capture.handle(event(CrmEvents.TOPIC_CONTACT_SAVED, props(CrmEvents.PROPERTY_IDS, new String[0])));
        capture.handle(event(CrmEvents.TOPIC_CONTACT_SAVED, props(CrmEvents.PROPERTY_IDS, List.of())));
        capture.handle(event(CrmEvents.TOPIC_CONTACT_SAVED, props(CrmEvents.PROPERTY_IDS, new Object[] {new String[] {"c-9"}})));
        flush();
        assertThat(ops(EntityType.CONTACT)).isEqualTo(Map.of("c-1", Op.SAVE, "c-2", Op.SAVE, "c-3", Op.SAVE));
        assertThat(store().deadLetters().all()).isEmpty();
    }

    @Test
    void anIdLongerThanAnyIdIsADeadLetterNotARow() {
        start();
        String longId = "c".repeat(300);
        capture.handle(CrmEvents.saved(CrmEvents.ENTITY_CONTACT, longId));
        capture.handle(CrmEvents.saved(CrmEvents.ENTITY_CONTACT, "c-ok"));
        capture.handle(CrmEvents.saved(CrmEvents.ENTITY_CONTACT, "e".repeat(Schema.ID)));
        flush();

        assertThat(ops(EntityType.CONTACT)).isEqualTo(Map.of("c-ok", Op.SAVE, "e".repeat(Schema.ID), Op.SAVE));
        List<DeadLetter> dead = store().deadLetters().all();
        assertThat(dead).singleElement().satisfies(d -> {
            assertThat(d.type()).isEqualTo(EntityType.CONTACT);
            assertThat(d.errorCode()).isEqualTo("ID_TOO_LONG");
            assertThat(d.entityId()).startsWith("ccc").hasSizeLessThanOrEqualTo(Schema.ID);
            assertThat(d.reason()).contains("300");
        });
    }

    @Test
    void twoLongIdsWithTheSamePrefixAreTwoDeadLetters() {
        start();
        String prefix = "p".repeat(280);
        capture.handle(CrmEvents.savedAll(CrmEvents.ENTITY_USER, List.of(prefix + "-one", prefix + "-two")));
        flush();
        assertThat(rows(EntityType.USER)).isEmpty();
        assertThat(store().deadLetters().all()).hasSize(2).allSatisfy(d -> {
            assertThat(d.type()).isEqualTo(EntityType.USER);
            assertThat(d.errorCode()).isEqualTo("ID_TOO_LONG");
            assertThat(d.entityId()).hasSizeLessThanOrEqualTo(Schema.ID);
        }).extracting(DeadLetter::entityId).doesNotHaveDuplicates();
    }

    /**
     * Pipelines go as one set: the README's host contract says the id of a pipeline event may be any
     * ("{@code id} (any: pipelines go as one set)"), so even an id longer than an entity id asks for the set.
     */
    @Test
    void aPipelineEventWithALongIdStillAsksForTheWholeSet() {
        start();
        capture.handle(CrmEvents.saved(CrmEvents.ENTITY_PIPELINE, "p".repeat(300)));
        flush();
        assertThat(rows(EntityType.PIPELINE)).extracting(OutboxRow::id, OutboxRow::op).containsExactly(tuple("*", Op.SAVE));
        assertThat(store().deadLetters().all()).as("no pipeline is set aside: the set has no per-pipeline rows").isEmpty();
    }

    @Test
    void dealAndPipelineEventsUnderContactsOnlyAreIgnored() {
        start(IntegrationScheme.CONTACTS_ONLY);
        capture.handle(CrmEvents.saved(CrmEvents.ENTITY_DEAL, "d-1"));
        capture.handle(CrmEvents.deletedAll(CrmEvents.ENTITY_DEAL, List.of("d-2", "d-3")));
        capture.handle(CrmEvents.saved(CrmEvents.ENTITY_PIPELINE, "p-1"));
        capture.handle(CrmEvents.saved(CrmEvents.ENTITY_CONTACT, "c-1"));
        flush();

        assertThat(rows(EntityType.DEAL)).isEmpty();
        assertThat(rows(EntityType.PIPELINE)).isEmpty();
        assertThat(ops(EntityType.CONTACT)).isEqualTo(Map.of("c-1", Op.SAVE));
        assertThat(recorder.unstoredByType().get(EntityType.DEAL)).isZero();
    }
}
