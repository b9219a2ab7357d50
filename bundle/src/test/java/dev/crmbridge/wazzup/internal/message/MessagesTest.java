package dev.crmbridge.wazzup.internal.message;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crmbridge.wazzup.api.event.WazzupEvents;
import dev.crmbridge.wazzup.api.message.MessageState;
import dev.crmbridge.wazzup.api.message.MessageStatus;
import dev.crmbridge.wazzup.api.message.OutgoingMessage;
import dev.crmbridge.wazzup.api.model.ChatHandle;
import dev.crmbridge.wazzup.api.model.CrmContact;
import dev.crmbridge.wazzup.api.model.CrmDeal;
import dev.crmbridge.wazzup.api.model.CrmUser;
import dev.crmbridge.wazzup.api.model.Pipeline;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.spi.Page;
import dev.crmbridge.wazzup.emulator.Account;
import dev.crmbridge.wazzup.emulator.Fault;
import dev.crmbridge.wazzup.emulator.WazzupEmulator;
import dev.crmbridge.wazzup.emulator.model.Chat;
import dev.crmbridge.wazzup.emulator.model.ChatMessage;
import dev.crmbridge.wazzup.internal.config.TestRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * The Messages service end to end without a framework: the queue in H2, the sender against the emulator,
 * the outcomes as events. Each case says what happens to a message: sent once, refused with Wazzup's code,
 * sent after an outage, caught by the duplicate guard, or left UNKNOWN.
 */
class MessagesTest {

    private static final String PHONE = "79011112233";

    private WazzupEmulator wazzup;
    private Account account;
    private TestRuntime runtime;
    private Path dir;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final Map<String, CrmContact> contacts = new ConcurrentHashMap<>();
    /** The runtime's clock: the system's plus what a test adds. */
    private final AtomicLong skew = new AtomicLong();

    @BeforeEach
    void start() throws IOException {
        wazzup = WazzupEmulator.builder().start();
        account = wazzup.createAccount("acc");
        dir = Files.createTempDirectory("wazzup-messages-test");
        contacts.put("c1", new CrmContact("c1", "u1", "Anna", List.of(new ChatHandle("whatsapp", PHONE, null, null)), null));
        runtime = TestRuntime.builder().wazzup(wazzup.baseUrl(), account.apiKey()).config("initialSync", false)
                .directory(() -> directory()).events(() -> admin()).store(dir.toFile()).clock(clock()).start();
    }

    @AfterEach
    void stop() throws IOException {
        runtime.close();
        wazzup.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private MessageService messages() {
        return runtime.runtime.messages();
    }

    @Test
    void aTextToAContactReachesItsWhatsAppChatOnceAndItsOutcomesArePostedWithTheCrmId() {
        String id = messages().send(OutgoingMessage.toContact("c1").text("Your order has shipped").build());

        await("sent", () -> status(id) == MessageStatus.SENT);
        List<ChatMessage> sent = apiMessages("whatsapp", PHONE);
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).text()).isEqualTo("Your order has shipped");
        assertThat(sent.get(0).crmMessageId()).isEqualTo(id);
        assertThat(sent.get(0).clearsUnanswered()).as("automated: the counter stays").isFalse();
        MessageState s = messages().state(id).orElseThrow();
        assertThat(s.messageId()).isEqualTo(sent.get(0).messageId());
        assertThat(s.contactId()).isEqualTo("c1");
        assertThat(s.chatId()).isEqualTo(PHONE);
        await("QUEUED and SENT events", () -> outcomes(id).containsAll(List.of("QUEUED", "SENT")));
        assertThat(outcomes(id)).startsWith("QUEUED", "SENT");
        Event sentEvent = events.stream().filter(e -> id.equals(e.getProperty(WazzupEvents.PROPERTY_CRM_MESSAGE_ID))
                && "SENT".equals(e.getProperty(WazzupEvents.PROPERTY_OUTCOME))).findFirst().orElseThrow();
        assertThat(sentEvent.getProperty(WazzupEvents.PROPERTY_MESSAGE_ID)).isEqualTo(s.messageId());
        assertThat(sentEvent.getProperty(WazzupEvents.PROPERTY_CONTACT_ID)).isEqualTo("c1");
    }

    @Test
    void aFileAndATemplateReachTheContactsChatTheTemplateThroughWhatsAppBusiness() {
        dev.crmbridge.wazzup.api.message.Template t = runtime.runtime.templates().list().stream()
                .filter(x -> x.approved() && x.variables() > 0).findFirst().orElseThrow();
        List<String> values = java.util.stream.IntStream.rangeClosed(1, t.variables()).mapToObj(n -> "value " + n).toList();
        String file = messages().send(OutgoingMessage.toContact("c1").file("https://files.example.com/invoice-1042.pdf").build());
        String template = messages().send(OutgoingMessage.toContact("c1").template(t.id(), values).build());

        await("both sent", () -> status(file) == MessageStatus.SENT && status(template) == MessageStatus.SENT);
        List<ChatMessage> sent = apiMessages("whatsapp", PHONE);
        assertThat(sent).extracting(ChatMessage::crmMessageId).containsExactly(file, template);
        assertThat(sent.get(0).contentUri()).isEqualTo("https://files.example.com/invoice-1042.pdf");
        assertThat(sent.get(1).templateId()).isEqualTo(t.id());
        assertThat(sent.get(1).templateValues()).isEqualTo(values);
        String wapi = account.channels().stream().filter(c -> c.transport().equals("wapi")).findFirst().orElseThrow().channelId();
        assertThat(sent.get(1).channelId()).isEqualTo(wapi);
        assertThat(messages().state(template).orElseThrow().channelId()).isEqualTo(wapi);
    }

    @Test
    void aSentMessageIsEditedAndDeletedAndWazzupsRefusalComesBackWithItsCode() throws Exception {
        String id = messages().send(OutgoingMessage.toContact("c1").text("Meet at 5").build());
        await("sent", () -> status(id) == MessageStatus.SENT);
        messages().edit(id, "Meet at 6", "u1").toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
        ChatMessage edited = apiMessages("whatsapp", PHONE).get(0);
        assertThat(edited.text()).isEqualTo("Meet at 6");
        assertThat(edited.edited()).isTrue();
        messages().delete(id).toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(apiMessages("whatsapp", PHONE).get(0).deleted()).isTrue();

        // a template went through WhatsApp Business, where Wazzup allows no delete
        dev.crmbridge.wazzup.api.message.Template t = runtime.runtime.templates().list().stream()
                .filter(x -> x.approved() && x.variables() == 0).findFirst().orElseThrow();
        String template = messages().send(OutgoingMessage.toContact("c1").template(t.id(), List.of()).build());
        await("sent", () -> status(template) == MessageStatus.SENT);
        assertThat(messages().delete(template).toCompletableFuture()).failsWithin(Duration.ofSeconds(10))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause().isInstanceOf(dev.crmbridge.wazzup.api.message.MessageException.class)
                .satisfies(e -> assertThat(((dev.crmbridge.wazzup.api.message.MessageException) e).code())
                        .isEqualTo("CHANNEL_INVALID_TRANSPORT_FOR_DELETION"));
        String queuedOnly = messages().send(OutgoingMessage.toContact("nobody").text("never sent").build());
        assertThat(messages().edit(queuedOnly, "x", null).toCompletableFuture()).failsWithin(Duration.ofSeconds(10))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause().isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSendRepeatedWithItsIdIsRecordedOnce() {
        String a = messages().send(OutgoingMessage.toContact("c1").id("order-1042-shipped").text("Shipped").build());
        String b = messages().send(OutgoingMessage.toContact("c1").id("order-1042-shipped").text("Shipped").build());
        assertThat(b).isEqualTo(a);
        await("sent", () -> status(a) == MessageStatus.SENT);
        assertThat(apiMessages("whatsapp", PHONE)).hasSize(1);
    }

    @Test
    void wazzupsRefusalsEndFailedWithTheirCodeAfterOneAttempt() {
        String telegram = account.channels().stream().filter(c -> c.transport().equals("tgapi")).findFirst().orElseThrow()
                .channelId();
        String wrong = messages().send(OutgoingMessage.toChat("whatsapp", PHONE).channel(telegram).text("Hi").build());
        String noChannel = messages().send(OutgoingMessage.toChat("whatsapp", PHONE)
                .channel("00000000-0000-4000-8000-000000000000").text("Hi").build());
        String tooLong = messages().send(OutgoingMessage.toContact("c1").text("x".repeat(10_001)).build());

        await("all settled", () -> status(wrong) == MessageStatus.FAILED && status(noChannel) == MessageStatus.FAILED
                && status(tooLong) == MessageStatus.FAILED);
        assertThat(messages().state(wrong).orElseThrow().errorCode()).isEqualTo("WRONG_TRANSPORT");
        assertThat(messages().state(noChannel).orElseThrow().errorCode()).isEqualTo("CHANNEL_NOT_FOUND");
        assertThat(messages().state(tooLong).orElseThrow().errorCode()).isEqualTo("MESSAGE_TEXT_TOO_LONG");
        for (String id : List.of(wrong, noChannel, tooLong)) {
            assertThat(attempts(id)).as("sent once: " + id).isEqualTo(1);
            assertThat(messages().state(id).orElseThrow().attempts()).isEqualTo(1);
        }
        assertThat(apiMessages("whatsapp", PHONE)).isEmpty();
        await("FAILED events with the code", () -> events.stream().anyMatch(e -> wrong.equals(
                e.getProperty(WazzupEvents.PROPERTY_CRM_MESSAGE_ID)) && "WRONG_TRANSPORT".equals(
                        e.getProperty(WazzupEvents.PROPERTY_ERROR_CODE)) && "FAILED".equals(e.getProperty(WazzupEvents.PROPERTY_OUTCOME))));
    }

    @Test
    void messagesMadeDuringAnOutageAreSentAfterItEachOnce() {
        wazzup.faults().outage(Duration.ofSeconds(3), 503);
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            contacts.put("o" + i, new CrmContact("o" + i, "u1", "O" + i,
                    List.of(new ChatHandle("whatsapp", "7902000" + String.format("%04d", i), null, null)), null));
            ids.add(messages().send(OutgoingMessage.toContact("o" + i).text("after the outage " + i).build()));
        }
        await("all sent", () -> ids.stream().allMatch(id -> status(id) == MessageStatus.SENT));
        for (int i = 0; i < 20; i++) {
            assertThat(apiMessages("whatsapp", "7902000" + String.format("%04d", i))).hasSize(1);
        }
        assertThat(wazzup.journal().entries("POST /v3/message").stream().filter(e -> e.status() == 201).count())
                .isEqualTo(20);
    }

    @Test
    void aLostAnswerIsRepeatedWithinTheGuardAndTheGuardSaysItWasSent() {
        wazzup.faults().next("POST /v3/message", Fault.loseAnswer());
        String id = messages().send(OutgoingMessage.toContact("c1").text("Once only").build());

        await("sent", () -> status(id) == MessageStatus.SENT);
        assertThat(apiMessages("whatsapp", PHONE)).as("the customer got it once").hasSize(1);
        assertThat(attempts(id)).as("the lost one and its repeat").isEqualTo(2);
        assertThat(messages().state(id).orElseThrow().messageId()).as("the guard does not say the id").isNull();
    }

    @Test
    void aLostAnswerPastTheGuardEndsUnknownAndIsNotSentAgain() {
        wazzup.faults().next("POST /v3/message", Fault.loseAnswer());
        String id = messages().send(OutgoingMessage.toContact("c1").text("Maybe sent").build());
        await("the lost attempt", () -> attempts(id) == 1 && messages().state(id).orElseThrow().errorDescription() != null);
        skew.addAndGet(61_000); // the repeat's turn comes after Wazzup's 60-second guard

        await("unknown", () -> status(id) == MessageStatus.UNKNOWN);
        assertThat(attempts(id)).as("not sent again").isEqualTo(1);
        assertThat(apiMessages("whatsapp", PHONE)).as("Wazzup has the one whose answer was lost").hasSize(1);
        await("an UNKNOWN event", () -> outcomes(id).contains("UNKNOWN"));
    }

    @Test
    void wazzupsStatusesMoveASentMessageOnAndNeverBackAndTheirEventsCarryTheCrmId() {
        String id = messages().send(OutgoingMessage.toContact("c1").text("Status, please").build());
        await("sent", () -> status(id) == MessageStatus.SENT);
        String messageId = messages().state(id).orElseThrow().messageId();
        EventHook hook = new EventHook(runtime.storage.store().sends(), runtime.runtime.channels(),
                runtime.runtime.templates(), Clock.systemUTC());

        Event delivered = hook.apply(status(messageId, "delivered"));
        assertThat(delivered.getProperty(WazzupEvents.PROPERTY_CRM_MESSAGE_ID)).isEqualTo(id);
        assertThat(delivered.getProperty(WazzupEvents.PROPERTY_OUTCOME)).isEqualTo("DELIVERED");
        assertThat(delivered.getProperty(WazzupEvents.PROPERTY_STATUS)).as("Wazzup's own word stays").isEqualTo("delivered");
        assertThat(status(id)).isEqualTo(MessageStatus.DELIVERED);
        hook.apply(status(messageId, "read"));
        Event late = hook.apply(status(messageId, "delivered")); // out of order
        assertThat(status(id)).isEqualTo(MessageStatus.READ);
        assertThat(late.getProperty(WazzupEvents.PROPERTY_OUTCOME)).isEqualTo("READ");

        Event foreign = status("not-ours", "read");
        assertThat(hook.apply(foreign)).as("a message sent elsewhere: the event as it came").isSameAs(foreign);
    }

    @Test
    void aStatusThatComesBeforeTheSendIsRecordedIsAppliedWhenItIs() {
        dev.crmbridge.wazzup.internal.store.SendTable table = runtime.storage.store().sends();
        long now = System.currentTimeMillis();
        EventHook hook = new EventHook(table, runtime.runtime.channels(), runtime.runtime.templates(), Clock.systemUTC());
        Event foreign = status("sent-in-wazzups-window", "read");
        assertThat(hook.apply(foreign)).as("nothing in flight: a status of a message sent elsewhere").isSameAs(foreign);
        assertThat(table.early("sent-in-wazzups-window", now)).isEmpty();

        // a message whose attempt is in flight: Wazzup's error arrives before the sender recorded its 201
        // (recorded as due in an hour, so that the running sender leaves it to the test)
        table.add("early-1", "chat:whatsapp:79000000001", "{}", null, "whatsapp", "79000000001", null, now + 3_600_000);
        table.attempt("early-1", "ch", "whatsapp", "79000000001", now);
        hook.apply(new Event(WazzupEvents.TOPIC_MESSAGE_STATUS_CHANGED, Map.of(WazzupEvents.PROPERTY_MESSAGE_ID, "wz-early-1",
                WazzupEvents.PROPERTY_STATUS, "error", WazzupEvents.PROPERTY_ERROR_CODE, "BAD_CONTACT")));
        table.sent("early-1", "wz-early-1", null, now);
        List<dev.crmbridge.wazzup.internal.store.SendTable.SendRow> moved = table.early("wz-early-1", now);
        assertThat(moved).extracting(r -> r.status()).containsExactly("ERROR");
        assertThat(table.get("early-1").status()).isEqualTo("ERROR");
        assertThat(table.get("early-1").errorCode()).isEqualTo("BAD_CONTACT");
        assertThat(table.early("wz-early-1", now)).as("applied once").isEmpty();
    }

    @Test
    void aChannelThatNeedsItsQrCodeScannedIsAProblemUntilItIsActiveAgain() {
        String id = messages().send(OutgoingMessage.toContact("c1").text("Reads the channels").build());
        await("sent", () -> status(id) == MessageStatus.SENT);
        String whatsapp = account.channels().stream().filter(c -> c.transport().equals("whatsapp")).findFirst().orElseThrow()
                .channelId();
        EventHook hook = new EventHook(runtime.storage.store().sends(), runtime.runtime.channels(),
                runtime.runtime.templates(), Clock.systemUTC());

        hook.apply(new Event(WazzupEvents.TOPIC_CHANNEL_STATE_CHANGED, Map.of(WazzupEvents.PROPERTY_CHANNEL_ID, whatsapp,
                WazzupEvents.PROPERTY_STATE, "qr")));
        assertThat(runtime.status.problem()).contains("QR code");
        assertThat(runtime.runtime.channels().problems()).extracting(c -> c.id()).containsExactly(whatsapp);

        hook.apply(new Event(WazzupEvents.TOPIC_CHANNEL_STATE_CHANGED, Map.of(WazzupEvents.PROPERTY_CHANNEL_ID, whatsapp,
                WazzupEvents.PROPERTY_STATE, "active")));
        assertThat(runtime.status.problem()).isNull();
    }

    @Test
    void templatesAreReadWithTheirVariables() {
        List<dev.crmbridge.wazzup.api.message.Template> all = runtime.runtime.templates().list();
        assertThat(all).isNotEmpty().allSatisfy(t -> assertThat(t.id()).isNotBlank());
        assertThat(all).anySatisfy(t -> {
            assertThat(t.variables()).isPositive();
            assertThat(t.text()).contains("{{1}}");
            assertThat(t.approved()).isTrue();
        });
    }

    private static Event status(String messageId, String status) {
        return new Event(WazzupEvents.TOPIC_MESSAGE_STATUS_CHANGED, Map.of(WazzupEvents.PROPERTY_MESSAGE_ID, messageId,
                WazzupEvents.PROPERTY_STATUS, status));
    }

    // ---------------------------------------------------------------- helpers

    private MessageStatus status(String id) {
        return messages().state(id).map(MessageState::status).orElse(null);
    }

    private List<String> outcomes(String id) {
        return events.stream().filter(e -> id.equals(e.getProperty(WazzupEvents.PROPERTY_CRM_MESSAGE_ID)))
                .map(e -> (String) e.getProperty(WazzupEvents.PROPERTY_OUTCOME)).toList();
    }

    private long attempts(String id) {
        return wazzup.journal().entries("POST /v3/message").stream().filter(e -> id.equals(e.crmMessageId())).count();
    }

    private List<ChatMessage> apiMessages(String chatType, String chatId) {
        return account.chat(chatType, chatId).map(Chat::messages).orElse(List.of()).stream()
                .filter(ChatMessage::viaApi).toList();
    }

    private Clock clock() {
        return new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.now().plusMillis(skew.get());
            }
        };
    }

    private EventAdmin admin() {
        return new EventAdmin() {
            @Override
            public void postEvent(Event event) {
                events.add(event);
            }

            @Override
            public void sendEvent(Event event) {
                events.add(event);
            }
        };
    }

    private CrmDirectory directory() {
        return new CrmDirectory() {
            @Override
            public List<CrmUser> users(Collection<String> ids) {
                return List.of();
            }

            @Override
            public Page<CrmUser> users(String cursor, int limit) {
                return Page.last(List.of());
            }

            @Override
            public List<CrmContact> contacts(Collection<String> ids) {
                return ids.stream().map(contacts::get).filter(java.util.Objects::nonNull).toList();
            }

            @Override
            public Page<CrmContact> contacts(String cursor, int limit) {
                return Page.last(List.of());
            }

            @Override
            public List<CrmDeal> deals(Collection<String> ids) {
                return List.of();
            }

            @Override
            public Page<CrmDeal> deals(String cursor, int limit) {
                return Page.last(List.of());
            }

            @Override
            public List<Pipeline> pipelines() {
                return List.of();
            }
        };
    }

    private static void await(String what, BooleanSupplier condition) {
        Awaitility.await(what).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(condition::getAsBoolean);
    }
}
