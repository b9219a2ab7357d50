package dev.crmbridge.wazzup.internal.sync;

import static dev.crmbridge.wazzup.internal.sync.SyncHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crmbridge.wazzup.api.IntegrationScheme;
import dev.crmbridge.wazzup.api.model.ChatHandle;
import dev.crmbridge.wazzup.api.model.CrmContact;
import dev.crmbridge.wazzup.api.model.CrmDeal;
import dev.crmbridge.wazzup.api.model.CrmUser;
import dev.crmbridge.wazzup.api.sync.DeadLetter;
import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.emulator.EmulatorOptions;
import dev.crmbridge.wazzup.emulator.Fault;
import dev.crmbridge.wazzup.emulator.model.Contact;
import dev.crmbridge.wazzup.emulator.model.ContactData;
import dev.crmbridge.wazzup.emulator.model.Deal;
import dev.crmbridge.wazzup.emulator.model.User;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine against the emulator, with H2 on disk and a host in memory (no framework); the same tests on
 * PostgreSQL, as a cluster of one, in {@link SyncEnginePostgresTest}.
 */
class SyncEngineTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private SyncHarness h;

    @AfterEach
    void close() {
        if (h != null) {
            h.close();
        }
    }

    private SyncHarness harness(TestDirectory crm) {
        h = newHarness(crm);
        return h;
    }

    /** The harness the tests run on: H2 here. */
    SyncHarness newHarness(TestDirectory crm) {
        return new SyncHarness(crm, new EmulatorOptions());
    }

    /** What Wazzup must hold for a contact of {@link TestDirectory#generated}: written out independently. */
    private static Contact expected(CrmContact c) {
        List<ContactData> data = new java.util.ArrayList<>();
        for (ChatHandle ch : c.chats()) {
            if (ch.chatType().equals("whatsapp")) {
                data.add(new ContactData("whatsapp", ch.chatId().replaceAll("\\D", ""), null, null));
            } else {
                data.add(new ContactData("telegram", null, ch.username(), null));
            }
        }
        return new Contact(c.id(), c.responsibleUserId(), c.name(), data, c.uri());
    }

    @Test
    void initialSyncMakesWazzupHoldTheSameDataInTheOrderAndCostTheApiAllows() {
        TestDirectory crm = TestDirectory.generated(20, 3, 2_000, 500);
        harness(crm).start(SyncHarness.settings(IntegrationScheme.CLIENT_MANAGEMENT));
        await("everything synced", TIMEOUT, () -> h.account.deals().size() == 500 && h.pending() == 0);

        assertThat(h.account.users()).containsExactlyInAnyOrderElementsOf(crm.users.values().stream()
                .map(u -> new User(u.id(), u.name(), u.phone() == null ? null : u.phone().replaceAll("\\D", ""))).toList());
        assertThat(h.account.contacts()).containsExactlyElementsOf(crm.contacts.values().stream().map(SyncEngineTest::expected).toList());
        assertThat(h.account.deals()).containsExactlyElementsOf(crm.deals.values().stream()
                .map(d -> new Deal(d.id(), d.responsibleUserId(), d.name(), d.contactIds(), d.uri(), d.closed())).toList());
        assertThat(h.account.pipelines()).extracting(p -> p.id() + ":" + p.stages().size())
                .containsExactly("p0:3", "p1:3", "p2:3");

        assertThat(h.requests("POST /v3/users")).isEqualTo(1);
        assertThat(h.requests("POST /v3/pipelines")).isEqualTo(1);
        assertThat(h.requests("POST /v3/contacts")).isEqualTo(20);
        assertThat(h.requests("POST /v3/deals")).isEqualTo(5);
        // users before pipelines before contacts before deals
        List<String> order = h.wazzup.journal().entries().stream().map(e -> e.route()).distinct().toList();
        assertThat(order).containsExactly("POST /v3/users", "POST /v3/pipelines", "POST /v3/contacts", "POST /v3/deals");
        assertThat(h.status.entities().get(EntityType.CONTACT).synced()).isEqualTo(2_000);
    }

    @Test
    void aBurstOfEventsForFewContactsCostsFewRequests() {
        TestDirectory crm = TestDirectory.generated(1, 0, 300, 0);
        harness(crm).start(new SyncSettings(IntegrationScheme.CONTACTS_ONLY, Duration.ofMillis(500), Duration.ofSeconds(2),
                Duration.ZERO, true, false, PhoneRules.NONE, "d"));
        List<String> ids = List.copyOf(crm.contacts.keySet());
        long t0 = System.nanoTime();
        for (int i = 0; i < 10_000; i++) {
            h.saved(EntityType.CONTACT, ids.get(ThreadLocalRandom.current().nextInt(ids.size())));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        await("300 contacts synced", TIMEOUT, () -> h.account.contacts().size() == 300 && h.pending() == 0);
        assertThat(h.requests("POST /v3/contacts")).as("10,000 events in %d ms", took.toMillis()).isLessThanOrEqualTo(4);
    }

    @Test
    void anUnchangedEntityCostsNoRequest() {
        TestDirectory crm = TestDirectory.generated(2, 1, 10, 3);
        harness(crm).start(SyncHarness.settings(IntegrationScheme.CLIENT_MANAGEMENT));
        await("synced", TIMEOUT, () -> h.account.deals().size() == 3 && h.pending() == 0);
        h.wazzup.journal().clear();
        h.saved(EntityType.CONTACT, "c000001");
        h.saved(EntityType.DEAL, "d000001");
        h.saved(EntityType.USER, "u1");
        h.saved(EntityType.PIPELINE, "p0");
        await("handled", TIMEOUT, () -> h.pending() == 0);
        assertThat(h.wazzup.journal().entries()).isEmpty();

        // one real change is one request
        crm.put(new CrmContact("c000001", "u1", "Renamed", crm.contacts.get("c000001").chats(), null));
        h.saved(EntityType.CONTACT, "c000001");
        await("sent", TIMEOUT, () -> h.account.contact("c000001").orElseThrow().name().equals("Renamed"));
        assertThat(h.requests("POST /v3/contacts")).isEqualTo(1);
    }

    @Test
    void deletionsGoInBulk() {
        TestDirectory crm = TestDirectory.generated(2, 0, 150, 0);
        harness(crm).start(SyncHarness.settings(IntegrationScheme.CONTACTS_ONLY));
        await("synced", TIMEOUT, () -> h.account.contacts().size() == 150 && h.pending() == 0);
        List<String> gone = crm.contacts.keySet().stream().limit(120).toList();
        gone.forEach(crm.contacts::remove);
        h.saved(EntityType.CONTACT, gone.subList(0, 60).toArray(String[]::new)); // a SAVED of a vanished entity deletes too
        h.deleted(EntityType.CONTACT, gone.subList(60, 120).toArray(String[]::new));
        h.deleted(EntityType.CONTACT, "never-synced");
        await("deleted", TIMEOUT, () -> h.account.contacts().size() == 30 && h.pending() == 0);
        assertThat(h.requests("PATCH /v3/contacts/bulk_delete")).isEqualTo(2);
    }

    @Test
    void aRejectedContactBecomesADeadLetterAndTheRestOfItsBatchGoesThrough() {
        TestDirectory crm = TestDirectory.generated(1, 0, 100, 0);
        // 25 digits: Wazzup rejects the chat id, naming the item
        crm.put(new CrmContact("c000042", "u0", "Typo", List.of(ChatHandle.whatsapp("+7 901 111 22 33 44 55 66 77 88 99")), null));
        harness(crm).start(SyncHarness.settings(IntegrationScheme.CONTACTS_ONLY));
        await("synced", TIMEOUT, () -> h.pending() == 0 && !h.status.deadLetters().isEmpty());

        assertThat(h.account.contacts()).hasSize(99);
        List<DeadLetter> dead = h.status.deadLetters();
        assertThat(dead).singleElement().satisfies(d -> {
            assertThat(d.entityId()).isEqualTo("c000042");
            assertThat(d.errorCode()).isEqualTo("INVALID_CONTACTS_DATA");
            assertThat(d.fields()).containsExactly("contactData[0].chatId");
            assertThat(d.reason()).contains("Wazzup answered 400");
        });
        assertThat(h.status.entities().get(EntityType.CONTACT).deadLetters()).isEqualTo(1);

        // retried unchanged: back with the reason
        assertThat(h.status.retry(dead.get(0))).isTrue();
        await("retried", TIMEOUT, () -> h.pending() == 0 && !h.status.deadLetters().isEmpty());
        assertThat(h.status.retry(dead.get(0))).isTrue();
        assertThat(h.status.retry(dead.get(0))).as("no longer a dead letter").isFalse();
        await("back again", TIMEOUT, () -> h.pending() == 0 && !h.status.deadLetters().isEmpty());

        // fixed in the host: retry delivers it
        crm.put(new CrmContact("c000042", "u0", "Fixed", List.of(ChatHandle.whatsapp("+7 901 111 22 33")), null));
        assertThat(h.status.retry(h.status.deadLetters().get(0))).isTrue();
        await("delivered", TIMEOUT, () -> h.pending() == 0 && h.account.contacts().size() == 100);
        assertThat(h.status.deadLetters()).isEmpty();
        assertThat(h.account.contact("c000042").orElseThrow().contactData().get(0).chatId()).isEqualTo("79011112233");
    }

    @Test
    void aBatchRejectedWithoutItemDetailIsBisected() {
        TestDirectory crm = TestDirectory.generated(1, 0, 10, 0);
        harness(crm).start(new SyncSettings(IntegrationScheme.CONTACTS_ONLY, Duration.ofMillis(100), Duration.ofSeconds(2),
                Duration.ZERO, true, false, PhoneRules.NONE, "d"));
        h.wazzup.faults().next("POST /v3/contacts", 4, Fault.status(400, "{\"error\":\"VALIDATION_ERROR\"}"));
        h.saved(EntityType.CONTACT, crm.contacts.keySet().toArray(String[]::new));
        await("handled", TIMEOUT, () -> h.pending() == 0);
        // 10 ✗ → 5 ✗ → 2 ✗ → 1 ✗ (dead letter), then 1 ✓, 3 ✓, 5 ✓: nine delivered
        assertThat(h.status.deadLetters()).hasSize(1);
        assertThat(h.account.contacts()).hasSize(9);
    }

    @Test
    void aDealWaitsForItsContactsAndIsSetAsideWhenOneCannotCome() {
        TestDirectory crm = new TestDirectory();
        crm.put(new CrmUser("u1", "Alex", null));
        crm.put(new CrmContact("c1", "u1", "Anna", List.of(ChatHandle.whatsapp("79011112233")), null));
        crm.put(new CrmContact("c2", "u1", "No chats", List.of(), null));
        crm.put(new CrmDeal("d1", "u1", "Sofa", List.of("c1"), "https://crm/d1", false));
        crm.put(new CrmDeal("d2", "u1", "Table", List.of("c1", "c2"), "https://crm/d2", false));
        crm.put(new CrmDeal("d3", "u1", "Lamp", List.of("ghost"), "https://crm/d3", false));
        harness(crm).start(new SyncSettings(IntegrationScheme.CLIENT_MANAGEMENT, Duration.ofMillis(100),
                Duration.ofSeconds(2), Duration.ZERO, true, false, PhoneRules.NONE, "d"));
        // only the deal is reported: its contact is queued by the engine first
        h.saved(EntityType.USER, "u1");
        h.saved(EntityType.DEAL, "d1", "d2", "d3");
        await("handled", TIMEOUT, () -> h.pending() == 0 && h.account.deal("d1").isPresent());
        assertThat(h.account.contact("c1")).isPresent();
        assertThat(h.status.deadLetters()).extracting(DeadLetter::entityId, DeadLetter::errorCode).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("d2", "CONTACT_WITHOUT_CHATS"),
                org.assertj.core.groups.Tuple.tuple("d3", "CONTACT_NOT_IN_CRM"));
        // the contact gets a chat: saving it revives the deal
        crm.put(new CrmContact("c2", "u1", "Now with chat", List.of(ChatHandle.whatsapp("79022223344")), null));
        h.saved(EntityType.CONTACT, "c2");
        await("revived", TIMEOUT, () -> h.account.deal("d2").isPresent());
    }

    @Test
    void anOutageIsRiddenOutAndEverythingArrivesAfterIt() {
        TestDirectory crm = TestDirectory.generated(1, 0, 300, 0);
        harness(crm).start(new SyncSettings(IntegrationScheme.CONTACTS_ONLY, Duration.ofMillis(100), Duration.ofSeconds(1),
                Duration.ZERO, true, false, PhoneRules.NONE, "d"));
        h.wazzup.faults().outage(Duration.ofSeconds(3), 503);
        h.saved(EntityType.CONTACT, crm.contacts.keySet().toArray(String[]::new));
        h.saved(EntityType.USER, "u0");
        await("a failure is reported", TIMEOUT, () -> h.status.problem() != null && h.status.problem().contains("unavailable"));
        assertThat(h.status.entities().values()).anySatisfy(s -> assertThat(s.lastError()).contains("unavailable"));
        await("delivered after the outage", TIMEOUT, () -> h.account.contacts().size() == 300 && h.pending() == 0);
        await("the problem is cleared", TIMEOUT, () -> h.status.problem() == null);
        assertThat(h.journal("POST /v3/contacts")).filteredOn(e -> e.status() == 200).hasSize(3);
    }

    @Test
    void pendingChangesSurviveARestart() {
        TestDirectory crm = TestDirectory.generated(1, 0, 500, 0);
        harness(crm).start(new SyncSettings(IntegrationScheme.CONTACTS_ONLY, Duration.ofMillis(100), Duration.ofSeconds(2),
                Duration.ZERO, true, false, PhoneRules.NONE, "d"));
        h.wazzup.faults().outage(Duration.ofSeconds(60), 503);
        h.saved(EntityType.CONTACT, crm.contacts.keySet().toArray(String[]::new));
        await("recorded", TIMEOUT, () -> h.pending() == 500);
        h.stop();
        h.wazzup.faults().outage(Duration.ZERO, 503);
        h.start(new SyncSettings(IntegrationScheme.CONTACTS_ONLY, Duration.ofMillis(100), Duration.ofSeconds(2),
                Duration.ZERO, true, false, PhoneRules.NONE, "d"));
        await("delivered after restart", TIMEOUT, () -> h.account.contacts().size() == 500 && h.pending() == 0);
    }

    @Test
    void anInterruptedInitialSyncResumesWhereItStopped() {
        TestDirectory crm = TestDirectory.generated(1, 0, 3_000, 0);
        harness(crm);
        h.wazzup.faults().next("POST /v3/contacts", 30, Fault.delay(Duration.ofMillis(30)));
        h.start(SyncHarness.settings(IntegrationScheme.CONTACTS_ONLY));
        await("some pages sent", TIMEOUT, () -> h.requests("POST /v3/contacts") >= 12);
        h.stop();
        int before = h.account.contacts().size();
        assertThat(before).isBetween(1_200, 2_999);
        h.start(SyncHarness.settings(IntegrationScheme.CONTACTS_ONLY));
        await("all sent", TIMEOUT, () -> h.account.contacts().size() == 3_000 && h.pending() == 0);
        // resumed at the saved page: at most the page in flight (10 requests) is sent again
        assertThat(h.requests("POST /v3/contacts")).isBetween(30L, 40L);
    }

    @Test
    void theDirectoryFailingDelaysButLosesNothing() {
        TestDirectory crm = TestDirectory.generated(1, 0, 20, 0);
        crm.failWith = new IllegalStateException("host database down");
        harness(crm).start(new SyncSettings(IntegrationScheme.CONTACTS_ONLY, Duration.ofMillis(100), Duration.ofSeconds(2),
                Duration.ZERO, true, false, PhoneRules.NONE, "d"));
        h.saved(EntityType.CONTACT, crm.contacts.keySet().toArray(String[]::new));
        await("the failure is visible", TIMEOUT, () -> h.status.entities().get(EntityType.CONTACT).lastError() != null);
        assertThat(h.status.entities().get(EntityType.CONTACT).lastError()).contains("host database down");
        crm.failWith = null;
        await("delivered", TIMEOUT, () -> h.account.contacts().size() == 20 && h.pending() == 0);
    }

    @Test
    void aWrongKeyIsReportedAndNothingIsLost() {
        TestDirectory crm = TestDirectory.generated(1, 0, 5, 0);
        harness(crm);
        h.wazzup.faults().next("POST /v3/contacts", 3, Fault.status(401));
        h.start(new SyncSettings(IntegrationScheme.CONTACTS_ONLY, Duration.ofMillis(50), Duration.ofMillis(500),
                Duration.ZERO, true, false, PhoneRules.NONE, "d"));
        h.saved(EntityType.CONTACT, crm.contacts.keySet().toArray(String[]::new));
        await("reported", TIMEOUT, () -> h.status.problem() != null && h.status.problem().contains("401"));
        await("delivered once the key works", TIMEOUT, () -> h.account.contacts().size() == 5);
    }

    @Test
    void contactsOnlyIgnoresDealsAndPipelines() {
        TestDirectory crm = TestDirectory.generated(2, 2, 5, 5);
        harness(crm).start(SyncHarness.settings(IntegrationScheme.CONTACTS_ONLY));
        await("synced", TIMEOUT, () -> h.account.contacts().size() == 5 && h.pending() == 0);
        h.saved(EntityType.DEAL, "d000001");
        h.saved(EntityType.PIPELINE, "p0");
        await("idle", TIMEOUT, () -> h.pending() == 0);
        assertThat(h.account.deals()).isEmpty();
        assertThat(h.account.pipelines()).isEmpty();
        assertThat(h.status.entities()).containsOnlyKeys(EntityType.USER, EntityType.CONTACT);
    }

    @Test
    void reconciliationRepairsWhatDriftedInWazzup() {
        TestDirectory crm = TestDirectory.generated(3, 1, 50, 10);
        harness(crm).start(SyncHarness.settings(IntegrationScheme.CLIENT_MANAGEMENT));
        await("synced", TIMEOUT, () -> h.account.deals().size() == 10 && h.pending() == 0);
        // drift: someone deletes and edits in Wazzup, and adds a stray contact
        dev.crmbridge.wazzup.internal.client.WazzupClient raw = h.client;
        raw.contacts().delete("c000003");
        raw.contacts().upsert(List.of(new dev.crmbridge.wazzup.internal.client.WzContact("c000004", "u0", "Edited elsewhere",
                List.of(dev.crmbridge.wazzup.internal.client.WzChatHandle.of("whatsapp", "79000000000")), null),
                new dev.crmbridge.wazzup.internal.client.WzContact("stray", "u0", "Not in CRM",
                        List.of(dev.crmbridge.wazzup.internal.client.WzChatHandle.of("whatsapp", "79000000001")), null)));
        raw.users().upsert(List.of(new dev.crmbridge.wazzup.internal.client.WzUser("u1", "Renamed elsewhere", null)));
        h.wazzup.journal().clear();
        h.status.resyncAll();
        await("repaired", TIMEOUT, () -> h.account.contact("c000003").isPresent() && h.account.contact("stray").isEmpty()
                && h.account.contact("c000004").orElseThrow().name().equals("Client 4")
                && h.account.user("u1").orElseThrow().name().equals("Manager 1") && h.pending() == 0);
        assertThat(h.account.contacts()).hasSize(50);
        assertThat(h.requests("POST /v3/contacts")).isEqualTo(1);
        assertThat(h.requests("PATCH /v3/contacts/bulk_delete")).isEqualTo(1);
        assertThat(h.requests("POST /v3/deals")).as("deals did not drift").isZero();
    }

    @Test
    void aWazzupThatListsOtherwiseAnswersOddlyAndIgnoresOffsetCostsNoUpsertOnReconciliation() {
        TestDirectory crm = TestDirectory.generated(3, 1, 250, 30);
        crm.put(new CrmUser("7", "Numeric", null));
        crm.put(new CrmContact("501", "7", "Numeric contact", List.of(ChatHandle.whatsapp("+7 901 555-00-01"),
                ChatHandle.telegramUsername("@Anna_TG")), "https://crm.example.com/contacts/501"));
        crm.put(new CrmDeal("9001", "7", "Numeric deal", List.of("501", "c000001"), "https://crm.example.com/deals/9001",
                false, "p0", "p0s1"));
        harness(crm);
        h.wazzup.options().variedListings(true).ignoreListOffset(true).oddWriteAnswers(true);
        h.start(SyncHarness.settings(IntegrationScheme.CLIENT_MANAGEMENT));
        // 201 "{ ok }" to every upsert counts as accepted
        await("synced", TIMEOUT, () -> h.account.deals().size() == 31 && h.account.contacts().size() == 251 && h.pending() == 0);
        assertThat(h.status.deadLetters()).isEmpty();

        h.wazzup.journal().clear();
        String before = h.store().meta().get(Reconciler.LAST);
        h.status.resyncAll();
        await("reconciled", TIMEOUT, () -> !java.util.Objects.equals(before, h.store().meta().get(Reconciler.LAST)));
        await("nothing pending", TIMEOUT, () -> h.pending() == 0);
        for (String route : List.of("POST /v3/users", "POST /v3/pipelines", "POST /v3/contacts", "POST /v3/deals",
                "PATCH /v3/contacts/bulk_delete", "PATCH /v3/deals/bulk_delete")) {
            assertThat(h.requests(route)).as(route).isZero();
        }
        // the contacts' listing repeated its first page: it stopped there, and says so
        assertThat(h.requests("GET /v3/contacts")).isEqualTo(2);
        assertThat(h.status.entities().get(EntityType.CONTACT).lastError()).contains("ignores offset");
    }

    @Test
    void aResyncAskedOfAnEngineThatStopsIsDoneByTheNextOne() {
        TestDirectory crm = TestDirectory.generated(2, 0, 40, 0);
        SyncSettings settings = SyncHarness.settings(IntegrationScheme.CONTACTS_ONLY);
        harness(crm).start(settings);
        await("synced", TIMEOUT, () -> h.account.contacts().size() == 40 && h.pending() == 0);
        // Wazzup loses data (as the demo's emulator does between runs); the resync is asked for while
        // Wazzup cannot answer, and the engine stops (a configuration change) before it could do it
        h.client.contacts().delete("c000001");
        h.wazzup.faults().outage(Duration.ofSeconds(60), 503);
        h.status.resyncAll();
        h.stop();
        h.wazzup.faults().outage(Duration.ZERO, 503);
        h.start(settings);
        await("repaired by the next engine", TIMEOUT, () -> h.account.contact("c000001").isPresent() && h.pending() == 0);
    }

    @Test
    void anotherAccountGetsEverythingAgain() {
        TestDirectory crm = TestDirectory.generated(1, 0, 20, 0);
        harness(crm).start(SyncHarness.settings(IntegrationScheme.CONTACTS_ONLY));
        await("synced", TIMEOUT, () -> h.account.contacts().size() == 20 && h.pending() == 0);
        assertThat(h.requests("POST /v3/contacts")).isEqualTo(1);
        h.stop();
        // a new key digest means another Wazzup account: what the first one holds says nothing about it
        h.start(new SyncSettings(IntegrationScheme.CONTACTS_ONLY, Duration.ofMillis(100), Duration.ofSeconds(2),
                Duration.ZERO, true, true, PhoneRules.NONE, "digest-2"));
        await("resent", TIMEOUT, () -> h.requests("POST /v3/contacts") == 2 && h.pending() == 0);
    }
    private static SyncSettings quick(IntegrationScheme scheme, boolean initialSync) {
        return new SyncSettings(scheme, Duration.ofMillis(100), Duration.ofMillis(250), Duration.ZERO, true, initialSync,
                PhoneRules.NONE, "d");
    }

    @Test
    void aDirectoryThatThrowsForOneContactHoldsBackOnlyItThenSetsItAside() {
        TestDirectory crm = TestDirectory.generated(1, 0, 1_000, 0);
        crm.poisoned = "c000500";
        harness(crm).start(quick(IntegrationScheme.CONTACTS_ONLY, false));
        h.saved(EntityType.CONTACT, crm.contacts.keySet().toArray(String[]::new));
        await("999 delivered", TIMEOUT, () -> h.account.contacts().size() == 999);
        assertThat(h.account.contact("c000500")).isEmpty();
        await("set aside after its attempts", Duration.ofSeconds(60), () -> !h.status.deadLetters().isEmpty());
        assertThat(h.status.deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.entityId()).isEqualTo("c000500");
            assertThat(d.errorCode()).isEqualTo(Resolver.CODE_CRM_READ_FAILED);
            assertThat(d.reason()).contains("cannot load c000500");
            assertThat(d.attempts()).isEqualTo(Resolver.MAX_READ_ATTEMPTS);
        });
        assertThat(h.pending()).isZero();
    }

    @Test
    void anErrorOfOneContactsOwnHoldsBackOnlyIt() {
        TestDirectory crm = TestDirectory.generated(1, 0, 300, 0);
        crm.overflowing = "c000100";
        harness(crm).start(quick(IntegrationScheme.CONTACTS_ONLY, false));
        h.saved(EntityType.CONTACT, crm.contacts.keySet().toArray(String[]::new));
        await("299 delivered", TIMEOUT, () -> h.account.contacts().size() == 299);
        assertThat(h.account.contact("c000100")).isEmpty();
        assertThat(h.status.running()).isTrue();
    }

    @Test
    void valuesOverWazzupsLimitsAreDeadLettersNamingTheFieldAndNoBatchIsRejected() {
        TestDirectory crm = TestDirectory.generated(1, 1, 20, 5);
        String longUri = "https://crm.example.com/contacts/" + "x".repeat(200);
        crm.put(new CrmContact("c-long-uri", "u0", "Long link", List.of(ChatHandle.whatsapp("+7 901 555-00-02")), longUri));
        crm.put(new CrmDeal("d" + "9".repeat(120), "u0", "Long id", List.of("c000001"), "https://crm.example.com/deals/x",
                false, "p0", "p0s1"));
        crm.put(new CrmDeal("d-long-uri", "u0", "Long link", List.of("c000001"), "https://crm.example.com/deals/"
                + "y".repeat(200), false, "p0", "p0s1"));
        harness(crm).start(SyncHarness.settings(IntegrationScheme.CLIENT_MANAGEMENT));
        await("the others synced", TIMEOUT, () -> h.account.contacts().size() == 20 && h.account.deals().size() == 5
                && h.status.deadLetters().size() == 3 && h.pending() == 0);
        assertThat(h.status.deadLetters()).allSatisfy(d -> {
            assertThat(d.errorCode()).isEqualTo(Limits.CODE);
            assertThat(d.attempts()).as("at once, not after retries").isEqualTo(1);
        });
        assertThat(h.status.deadLetters()).filteredOn(d -> d.entityId().equals("c-long-uri")).singleElement()
                .satisfies(d -> {
                    assertThat(d.fields()).containsExactly("uri");
                    assertThat(d.reason()).contains("at most 200");
                });
        assertThat(h.status.deadLetters()).filteredOn(d -> d.type() == EntityType.DEAL).extracting(DeadLetter::fields)
                .containsExactlyInAnyOrder(List.of("id"), List.of("uri"));
        for (String route : List.of("POST /v3/contacts", "POST /v3/deals")) {
            assertThat(h.journal(route)).as(route + ": no batch Wazzup refused").allSatisfy(e ->
                    assertThat(e.status()).isEqualTo(200));
        }
    }

    @Test
    void aDirectoryAnsweringNullForOneContactHoldsBackOnlyIt() {
        TestDirectory crm = TestDirectory.generated(1, 0, 300, 0);
        crm.answeredNull = "c000042";
        harness(crm).start(quick(IntegrationScheme.CONTACTS_ONLY, false));
        h.saved(EntityType.CONTACT, crm.contacts.keySet().toArray(String[]::new));
        await("299 delivered", TIMEOUT, () -> h.account.contacts().size() == 299);
        assertThat(h.account.contact("c000042")).isEmpty();
        crm.answeredNull = null;
        await("delivered once the host answers", TIMEOUT, () -> h.account.contacts().size() == 300 && h.pending() == 0);
    }

    @Test
    void anErrorThrownByTheDirectoryOnceDoesNotEndTheSync() {
        TestDirectory crm = TestDirectory.generated(1, 0, 50, 0);
        harness(crm).start(quick(IntegrationScheme.CONTACTS_ONLY, false));
        crm.errorOnce = new NoClassDefFoundError("com/example/Refreshed");
        h.saved(EntityType.CONTACT, crm.contacts.keySet().toArray(String[]::new));
        await("the failure is reported", TIMEOUT, () -> h.status.problem() != null
                && h.status.problem().contains("NoClassDefFoundError"));
        assertThat(h.status.running()).as("the thread recovers on its own").isTrue();
        await("delivered after the restart of the thread", TIMEOUT, () -> h.account.contacts().size() == 50 && h.pending() == 0);
        await("the problem is over", TIMEOUT, () -> h.status.problem() == null);
    }

    @Test
    void aCursorThatNeverAdvancesIsReportedAndTheInitialSyncGoesOn() {
        TestDirectory crm = TestDirectory.generated(2, 0, 2_500, 0);
        crm.stuckContactCursor = true;
        harness(crm).start(quick(IntegrationScheme.CONTACTS_ONLY, true));
        await("the initial sync ends", TIMEOUT, () -> h.status.initialSyncComplete());
        assertThat(h.status.problem()).contains("does not advance");
        assertThat(h.status.entities().get(EntityType.CONTACT).lastError()).contains("does not advance");
        // what the looping page held was sent, at most once again when the cursor came back; users before
        assertThat(h.account.contacts()).hasSize(1_000);
        assertThat(h.account.users()).hasSize(2);
        assertThat(h.requests("POST /v3/contacts")).isBetween(10L, 20L);
    }

    @Test
    void anIdLongerThanTheStoreKeepsIsSetAsideAndTheOthersGo() {
        TestDirectory crm = TestDirectory.generated(1, 0, 10, 0);
        harness(crm).start(quick(IntegrationScheme.CONTACTS_ONLY, false));
        String tooLong = "c".repeat(300);
        h.saved(EntityType.CONTACT, tooLong);
        h.saved(EntityType.CONTACT, crm.contacts.keySet().toArray(String[]::new));
        await("the ten delivered", TIMEOUT, () -> h.account.contacts().size() == 10 && h.pending() == 0);
        assertThat(h.status.deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.errorCode()).isEqualTo("ID_TOO_LONG");
            assertThat(d.entityId().length()).isLessThanOrEqualTo(255);
            assertThat(d.reason()).contains("300 characters");
        });
    }
}
