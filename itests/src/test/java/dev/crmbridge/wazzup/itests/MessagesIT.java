package dev.crmbridge.wazzup.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crmbridge.wazzup.api.WazzupConnector;
import dev.crmbridge.wazzup.api.event.WazzupEvents;
import dev.crmbridge.wazzup.api.message.Channel;
import dev.crmbridge.wazzup.api.message.Channels;
import dev.crmbridge.wazzup.api.message.MessageState;
import dev.crmbridge.wazzup.api.message.MessageStatus;
import dev.crmbridge.wazzup.api.message.Messages;
import dev.crmbridge.wazzup.api.message.OutgoingMessage;
import dev.crmbridge.wazzup.api.message.Template;
import dev.crmbridge.wazzup.api.message.Templates;
import dev.crmbridge.wazzup.api.model.ChatHandle;
import dev.crmbridge.wazzup.api.model.CrmContact;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.sync.SyncStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import javax.inject.Inject;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * Messages the CRM sends, through the {@link Messages} service of the real bundle on Felix, to the emulator
 * over loopback, with Wazzup's statuses coming back as real webhooks: what reaches the chats, what Wazzup
 * refuses (sent once, then FAILED with its code), a 60-second outage, the unanswered counter, a channel
 * that needs its QR code scanned.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MessagesIT extends WazzupTestSupport {

    private static final String SECRET = "it-messages-secret-0123456789";
    private static final String PHONE = "79011112233";

    @Inject
    private ConfigurationAdmin configAdmin;

    private EmulatorControl wazzup;
    private ItDirectory crm;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private String accountId;

    @Configuration
    public Option[] config() {
        return OptionUtils.combine(baseConfiguration(), emulator());
    }

    @Before
    public void setUp() {
        wazzup = EmulatorControl.fromSystemProperty();
        crm = ItDirectory.generated(2, 1, 0, 0);
        crm.contacts.put("c-anna", new CrmContact("c-anna", "u1", "Anna", List.of(ChatHandle.whatsapp(PHONE)),
                "https://crm.example.com/contacts/c-anna"));
        registrations.add(context.registerService(CrmDirectory.class, crm, null));
        Hashtable<String, Object> topics = new Hashtable<>();
        topics.put(EventConstants.EVENT_TOPIC, new String[] {"dev/crmbridge/wazzup/message/*"});
        registrations.add(context.registerService(EventHandler.class, (EventHandler) events::add, topics));
    }

    @After
    public void tearDown() throws Exception {
        wazzup.clearFaults();
        unconfigure(configAdmin);
        registrations.forEach(ServiceRegistration::unregister);
    }

    private SyncStatus connect() throws Exception {
        return connect(Map.of());
    }

    private SyncStatus connect(Map<String, Object> more) throws Exception {
        String[] account = wazzup.createAccount();
        accountId = account[0];
        Map<String, Object> props = new HashMap<>(Map.of(WazzupConnector.PROPERTY_API_KEY, account[1],
                WazzupConnector.PROPERTY_API_BASE_URL, wazzup.baseUrl(), "webhookSecret", SECRET, "batchDelayMillis", 100,
                "publicBaseUrl", "http://127.0.0.1:" + httpPort()));
        props.putAll(more);
        configure(configAdmin, props);
        SyncStatus status = syncStatus();
        await("subscribed at Wazzup", Duration.ofSeconds(30), () -> status.webhooks().subscribed());
        await("the contact synced", Duration.ofSeconds(30), () -> status.initialSyncComplete()
                && status.entities().values().stream().mapToLong(s -> s.pending()).sum() == 0);
        return status;
    }

    private <T> T service(Class<T> type) {
        return await(type.getSimpleName() + " service", () -> {
            ServiceReference<T> ref = context.getServiceReference(type);
            return ref == null ? null : context.getService(ref);
        });
    }

    private List<JsonNode> sentTo(String chatId) {
        List<JsonNode> out = new ArrayList<>();
        wazzup.send("GET", "/__emulator/accounts/" + accountId + "/messages?chatType=whatsapp&chatId=" + chatId, null)
                .forEach(m -> {
                    if (m.path("viaApi").asBoolean()) {
                        out.add(m);
                    }
                });
        return out;
    }

    private long posts(String crmMessageId) {
        return wazzup.journal(accountId, "POST /v3/message").stream()
                .filter(e -> crmMessageId.equals(e.path("crmMessageId").asText(null))).count();
    }

    private List<String> outcomes(String id) {
        return events.stream().filter(e -> id.equals(e.getProperty(WazzupEvents.PROPERTY_CRM_MESSAGE_ID)))
                .map(e -> (String) e.getProperty(WazzupEvents.PROPERTY_OUTCOME)).toList();
    }

    @Test
    public void aTextAFileAndATemplateReachTheChatAndTheirStatusesFollowWithTheCrmId() throws Exception {
        connect();
        Messages messages = service(Messages.class);
        Template template = service(Templates.class).list().stream().filter(t -> t.approved() && t.variables() > 0)
                .findFirst().orElseThrow();
        List<String> values = IntStream.rangeClosed(1, template.variables()).mapToObj(n -> "v" + n).toList();

        String text = messages.send(OutgoingMessage.toContact("c-anna").text("Your order 1042 has shipped").build());
        String file = messages.send(OutgoingMessage.toContact("c-anna").file("https://files.example.com/1042.pdf").build());
        String tmpl = messages.send(OutgoingMessage.toContact("c-anna").template(template.id(), values).build());

        await("three in the chat", Duration.ofSeconds(30), () -> sentTo(PHONE).size() == 3);
        List<JsonNode> chat = sentTo(PHONE);
        assertEquals(List.of(text, file, tmpl), chat.stream().map(m -> m.path("crmMessageId").asText()).toList());
        assertEquals("Your order 1042 has shipped", chat.get(0).path("text").asText());
        assertEquals("https://files.example.com/1042.pdf", chat.get(1).path("contentUri").asText());
        assertEquals(template.id(), chat.get(2).path("templateId").asText());
        for (String id : List.of(text, file, tmpl)) {
            // sent, then Wazzup's delivered and read, as statuses webhooks through the inbox
            await(id + " read", Duration.ofSeconds(30), () -> messages.state(id).orElseThrow().status() == MessageStatus.READ);
            await(id + "'s events", Duration.ofSeconds(30), () -> outcomes(id).containsAll(List.of("QUEUED", "SENT",
                    "DELIVERED", "READ")));
            assertEquals(id + " sent once", 1, posts(id));
        }
        Event read = events.stream().filter(e -> text.equals(e.getProperty(WazzupEvents.PROPERTY_CRM_MESSAGE_ID))
                && "READ".equals(e.getProperty(WazzupEvents.PROPERTY_OUTCOME))).findFirst().orElseThrow();
        assertEquals(chat.get(0).path("messageId").asText(), read.getProperty(WazzupEvents.PROPERTY_MESSAGE_ID));
        assertEquals("c-anna", read.getProperty(WazzupEvents.PROPERTY_CONTACT_ID));
    }

    @Test
    public void whatWazzupRefusesEndsFailedWithItsCodeSentOnce() throws Exception {
        connect();
        Messages messages = service(Messages.class);
        String telegram = service(Channels.class).list().stream().filter(c -> c.transport().equals("tgapi"))
                .map(Channel::id).findFirst().orElseThrow();
        String wrong = messages.send(OutgoingMessage.toContact("c-anna").channel(telegram).text("Hello").build());
        String noChannel = messages.send(OutgoingMessage.toChat("whatsapp", PHONE)
                .channel("00000000-0000-4000-8000-00000000beef").text("Hello").build());
        String tooLong = messages.send(OutgoingMessage.toContact("c-anna").text("x".repeat(10_001)).build());
        Map<String, String> expected = Map.of(wrong, "WRONG_TRANSPORT", noChannel, "CHANNEL_NOT_FOUND", tooLong,
                "MESSAGE_TEXT_TOO_LONG");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            await(e.getValue(), Duration.ofSeconds(30), () -> messages.state(e.getKey()).orElseThrow().status()
                    == MessageStatus.FAILED);
            assertEquals(e.getValue(), messages.state(e.getKey()).orElseThrow().errorCode());
            assertEquals(e.getValue() + ": sent once", 1, posts(e.getKey()));
            await(e.getValue() + " event", () -> events.stream().anyMatch(ev -> e.getKey().equals(
                    ev.getProperty(WazzupEvents.PROPERTY_CRM_MESSAGE_ID)) && "FAILED".equals(
                            ev.getProperty(WazzupEvents.PROPERTY_OUTCOME)) && e.getValue().equals(
                                    ev.getProperty(WazzupEvents.PROPERTY_ERROR_CODE))));
        }
        assertTrue("nothing reached the chat", sentTo(PHONE).isEmpty());
    }

    @Test
    public void aSendWazzupAcceptsButCannotDeliverEndsErrorWithItsCodeFromTheStatusesWebhook() throws Exception {
        connect();
        Messages messages = service(Messages.class);
        // Wazzup takes the message (201), then reports it undeliverable by a statuses webhook (§8.5)
        wazzup.send("POST", "/__emulator/accounts/" + accountId + "/send-failures",
                "{\"chatType\":\"whatsapp\",\"chatId\":\"" + PHONE + "\",\"times\":1,\"error\":\"BAD_CONTACT\"}");
        String id = messages.send(OutgoingMessage.toContact("c-anna").text("Your invoice").build());
        await("ERROR", Duration.ofSeconds(30), () -> messages.state(id).orElseThrow().status() == MessageStatus.ERROR);
        MessageState state = messages.state(id).orElseThrow();
        assertEquals("BAD_CONTACT", state.errorCode());
        assertNotNull("Wazzup's id is known from the 201", state.messageId());
        await("its events", () -> outcomes(id).containsAll(List.of("QUEUED", "SENT", "ERROR")));
        Event error = events.stream().filter(e -> id.equals(e.getProperty(WazzupEvents.PROPERTY_CRM_MESSAGE_ID))
                && "ERROR".equals(e.getProperty(WazzupEvents.PROPERTY_OUTCOME))).findFirst().orElseThrow();
        assertEquals("BAD_CONTACT", error.getProperty(WazzupEvents.PROPERTY_ERROR_CODE));
        assertEquals(state.messageId(), error.getProperty(WazzupEvents.PROPERTY_MESSAGE_ID));
        assertEquals("sent once, not repeated after the error", 1, posts(id));

        // the next send to the same chat is not held back by the failed one
        String next = messages.send(OutgoingMessage.toContact("c-anna").text("Your invoice, again").build());
        await("the next one read", Duration.ofSeconds(30), () -> messages.state(next).orElseThrow().status()
                == MessageStatus.READ);
        assertEquals(MessageStatus.ERROR, messages.state(id).orElseThrow().status()); // a later status never undoes it
    }

    @Test
    public void sendsWhoseAnswersTimeOutAreRepeatedUnderTheirCrmIdAndReachEachChatOnce() throws Exception {
        connect(Map.of("responseTimeoutSeconds", 1));
        Messages messages = service(Messages.class);
        service(Channels.class).list();
        wazzup.send("PUT", "/__emulator/accounts/" + accountId + "/settings", "{\"statusProgression\": false}");
        // Wazzup slow: the next 16 sends are handled, but 2 s late, after the connector stopped waiting
        wazzup.delay("POST /v3/message", 16, 2_000);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add(messages.send(OutgoingMessage.toChat("whatsapp", "7904" + String.format("%07d", i))
                    .text("While Wazzup is slow " + i).build()));
        }
        await("all sent", Duration.ofSeconds(120), () -> ids.stream().allMatch(
                id -> messages.state(id).orElseThrow().status() == MessageStatus.SENT));
        JsonNode all = wazzup.send("GET", "/__emulator/accounts/" + accountId + "/messages", null);
        Map<String, Integer> inChats = new HashMap<>();
        for (JsonNode m : all) {
            if (m.path("viaApi").asBoolean()) {
                inChats.merge(m.path("crmMessageId").asText(), 1, Integer::sum);
            }
        }
        long repeats = ids.stream().mapToLong(this::posts).sum() - ids.size();
        System.out.printf("[MessagesIT] 12 sends, 16 answers 2 s late (timeout 1 s): %d repeats under the same"
                + " crmMessageId; the chats hold %d%n", repeats, inChats.size());
        assertTrue("some answers timed out and were repeated", repeats > 0);
        assertEquals("each in its chat once", ids.stream().collect(java.util.stream.Collectors.toMap(id -> id, id -> 1)),
                inChats);
    }

    @Test
    public void aThousandSendsMadeDuringASixtySecondOutageAreSentAfterItEachOnce() throws Exception {
        connect();
        Messages messages = service(Messages.class);
        service(Channels.class).list(); // known before the outage, as on a running system
        wazzup.send("PUT", "/__emulator/accounts/" + accountId + "/settings", "{\"statusProgression\": false}");
        wazzup.outage(Duration.ofSeconds(60), 503);
        long t0 = System.nanoTime();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            ids.add(messages.send(OutgoingMessage.toChat("whatsapp", "7903" + String.format("%07d", i))
                    .text("During the outage " + i).build()));
        }
        assertTrue("recorded during the outage", System.nanoTime() - t0 < Duration.ofSeconds(50).toNanos());
        await("all sent", Duration.ofSeconds(150), () -> ids.stream().allMatch(
                id -> messages.state(id).orElseThrow().status() == MessageStatus.SENT));
        List<JsonNode> accepted = wazzup.journal(accountId, "POST /v3/message").stream()
                .filter(e -> e.path("status").asInt() == 201).toList();
        Set<String> distinct = new HashSet<>();
        accepted.forEach(e -> distinct.add(e.path("crmMessageId").asText()));
        assertEquals("each accepted once", 1_000, accepted.size());
        assertEquals(1_000, distinct.size());
        assertEquals(new HashSet<>(ids), distinct);
        JsonNode all = wazzup.send("GET", "/__emulator/accounts/" + accountId + "/messages", null);
        long inChats = 0;
        for (JsonNode m : all) {
            inChats += m.path("viaApi").asBoolean() ? 1 : 0;
        }
        assertEquals("the chats hold them", 1_000, inChats);
    }

    @Test
    public void anAutomatedSendLeavesTheCounterAndAManagersReplyWithClearUnansweredResetsIt() throws Exception {
        connect();
        Messages messages = service(Messages.class);
        wazzup.send("POST", "/__emulator/accounts/" + accountId + "/customer-message",
                "{\"chatType\":\"whatsapp\",\"chatId\":\"" + PHONE + "\",\"text\":\"Is my order on its way?\"}");
        await("the customer waits", () -> counter() == 1);

        String automated = messages.send(OutgoingMessage.toContact("c-anna").text("Automatic: we got your message").build());
        await("sent", () -> messages.state(automated).orElseThrow().status().compareTo(MessageStatus.SENT) >= 0);
        assertEquals("an automated send leaves the counter", 1, counter());

        String reply = messages.send(OutgoingMessage.toContact("c-anna").text("Yes, it ships today").author("u1")
                .clearUnanswered(true).build());
        await("sent", () -> messages.state(reply).orElseThrow().status().compareTo(MessageStatus.SENT) >= 0);
        await("the manager's reply resets it", () -> counter() == 0);
        assertEquals("u1", sentTo(PHONE).get(1).path("authorId").asText());
    }

    @Test
    public void aChannelThatNeedsItsQrCodeScannedIsAProblemWithinASecondAndNotOnceActive() throws Exception {
        SyncStatus status = connect();
        Channels channels = service(Channels.class);
        String whatsapp = channels.list().stream().filter(c -> c.transport().equals("whatsapp")).map(Channel::id)
                .findFirst().orElseThrow();
        assertFalse(String.valueOf(status.problem()), String.valueOf(status.problem()).contains("QR"));

        wazzup.send("POST", "/__emulator/accounts/" + accountId + "/channel-state",
                "{\"channelId\":\"" + whatsapp + "\",\"state\":\"qr\"}");
        long t0 = System.nanoTime();
        await("a problem", Duration.ofSeconds(1), () -> String.valueOf(status.problem()).contains("QR code"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue("within a second: " + ms + " ms", ms < 1_000);
        assertEquals(List.of(whatsapp), channels.problems().stream().map(Channel::id).toList());

        wazzup.send("POST", "/__emulator/accounts/" + accountId + "/channel-state",
                "{\"channelId\":\"" + whatsapp + "\",\"state\":\"active\"}");
        await("no problem", Duration.ofSeconds(1), () -> !String.valueOf(status.problem()).contains("QR"));
        assertTrue(channels.problems().isEmpty());
    }

    private int counter() {
        return wazzup.send("GET", "/__emulator/accounts/" + accountId + "/unanswered/u1", null).path("counterV2").asInt(-1);
    }
}
