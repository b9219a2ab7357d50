package dev.crmbridge.wazzup.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** §8.5: the statuses of API sends, on the emulator's clock, and planned failures. */
class StatusProgressionTest extends EmulatorTestSupport {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private FakeCrm crm;
    private String whatsapp;

    @BeforeEach
    void subscribe() {
        crm = new FakeCrm();
        assertThat(api.patch("/v3/webhooks", Map.of("webhooksUri", crm.url(),
                "subscriptions", Map.of("messagesAndStatuses", true))).status()).isEqualTo(200);
        crm.clear();
        whatsapp = account.channelFor("whatsapp").orElseThrow().channelId();
    }

    @AfterEach
    void stopCrm() {
        crm.close();
    }

    private String send(String chatId) {
        Http.Answer r = api.post("/v3/message", Map.of("channelId", whatsapp, "chatType", "whatsapp", "chatId", chatId,
                "text", "hello"));
        assertThat(r.status()).isEqualTo(201);
        return r.json().get("messageId").asText();
    }

    /** Every status item the CRM got, in order, as "messageId status". */
    private List<String> statuses() {
        List<String> out = new ArrayList<>();
        for (FakeCrm.Received r : crm.received("statuses")) {
            r.body().get("statuses").forEach(s -> out.add(s.get("messageId").asText() + " " + s.get("status").asText()));
        }
        return out;
    }

    private void awaitStatuses(int count) {
        await().atMost(DEADLINE).until(() -> statuses().size() >= count);
    }

    @Test
    void sentThenDeliveredThenReadAsTheClockMoves() {
        String id = send("79011112233");
        clock.advance(Duration.ofMillis(199));
        assertThat(wazzup.statuses().pending()).hasSize(3);
        clock.advance(Duration.ofMillis(1));
        awaitStatuses(1);
        JsonNode first = crm.received("statuses").get(0).body();
        assertThat(Samples.shapeDifferences(Samples.json("webhook-statuses.json"), first)).isEmpty();
        assertThat(first.at("/statuses/0/timestamp").asText()).isEqualTo("2026-11-25T10:00:00.200Z");
        assertThat(account.message(id).orElseThrow().status()).isEqualTo("sent");

        clock.advance(Duration.ofMillis(800));
        awaitStatuses(2);
        assertThat(account.message(id).orElseThrow().status()).isEqualTo("delivered");
        clock.advance(Duration.ofSeconds(1));
        awaitStatuses(3);
        assertThat(statuses()).containsExactly(id + " sent", id + " delivered", id + " read");
        assertThat(control.get("/__emulator/accounts/" + account.id() + "/messages/" + id).json().get("status").asText())
                .isEqualTo("read");
        assertThat(wazzup.statuses().pending()).isEmpty();
    }

    @Test
    void aJumpOfTheClockBringsTheDueStatusesOfAnAccountInOnePostInOrder() {
        String a = send("79011112233");
        String b = send("79022223344");
        clock.advance(Duration.ofSeconds(5));
        awaitStatuses(6);
        assertThat(crm.received("statuses")).hasSize(1);
        assertThat(statuses()).containsExactly(a + " sent", b + " sent", a + " delivered", b + " delivered",
                a + " read", b + " read");
    }

    @Test
    void withoutTheSubscriptionTheStateMovesButNothingIsPosted() {
        api.patch("/v3/webhooks", Map.of("webhooksUri", crm.url(), "subscriptions", Map.of("channelsUpdates", true)));
        crm.clear();
        String id = send("79011112233");
        clock.advance(Duration.ofSeconds(3));
        await().atMost(DEADLINE).until(() -> "read".equals(account.message(id).orElseThrow().status()));
        assertThat(crm.received()).isEmpty();
    }

    @Test
    void theProgressionCanBeSwitchedOffPerAccountAndStepsLeftOut() {
        assertThat(control.put("/__emulator/accounts/" + account.id() + "/settings", Map.of("statusProgression", false))
                .json().get("statusProgression").asBoolean()).isFalse();
        String quiet = send("79011112233");
        assertThat(wazzup.statuses().pending()).isEmpty();
        // a hand-set status is still delivered
        account.messageStatus(quiet, "delivered", null, null);
        assertThat(statuses()).containsExactly(quiet + " delivered");

        account.statusProgression(true);
        wazzup.options().statusDelays(Duration.ofMillis(100), Duration.ofMillis(300), null);
        String id = send("79011112233");
        assertThat(wazzup.statuses().pending()).extracting(StatusProgression.Step::status).containsExactly("sent", "delivered");
        clock.advance(Duration.ofSeconds(10));
        awaitStatuses(3);
        assertThat(statuses()).containsExactly(quiet + " delivered", id + " sent", id + " delivered");
    }

    @Test
    void thePlannedFailureOfTheNextSendToAChat() {
        Http.Answer planned = control.post("/__emulator/accounts/" + account.id() + "/send-failures",
                Map.of("chatType", "whatsapp", "chatId", "79099990000", "description", "no such WhatsApp account"));
        assertThat(planned.json()).hasSize(1);
        String other = send("79011112233");
        String failed = send("79099990000");
        String again = send("79099990000");
        assertThat(control.get("/__emulator/accounts/" + account.id() + "/send-failures").json()).isEmpty();
        clock.advance(Duration.ofSeconds(3));
        awaitStatuses(7);
        assertThat(statuses()).filteredOn(s -> s.startsWith(failed)).containsExactly(failed + " error");
        assertThat(statuses()).filteredOn(s -> s.startsWith(other)).hasSize(3);
        assertThat(statuses()).filteredOn(s -> s.startsWith(again)).hasSize(3);
        JsonNode error = null;
        for (FakeCrm.Received r : crm.received("statuses")) {
            for (JsonNode s : r.body().get("statuses")) {
                if (s.get("status").asText().equals("error")) {
                    error = s;
                }
            }
        }
        assertThat(error.at("/error/error").asText()).isEqualTo("BAD_CONTACT");
        assertThat(error.at("/error/description").asText()).isEqualTo("no such WhatsApp account");
        JsonNode stored = control.get("/__emulator/accounts/" + account.id() + "/messages/" + failed).json();
        assertThat(stored.get("status").asText()).isEqualTo("error");
        assertThat(stored.at("/error/error").asText()).isEqualTo("BAD_CONTACT");
    }

    @Test
    void theNextNSendsAnywhereFailWithAChosenCodeEvenWithTheProgressionOff() {
        account.statusProgression(false);
        control.post("/__emulator/accounts/" + account.id() + "/send-failures", Map.of("times", 2, "error", "SPAM"));
        String a = send("79011112233");
        String b = send("79022223344");
        String c = send("79033334455");
        clock.advance(Duration.ofSeconds(1));
        awaitStatuses(2);
        assertThat(statuses()).containsExactly(a + " error", b + " error");
        assertThat(account.message(c).orElseThrow().status()).isEqualTo("sent");
        assertThat(account.message(a).orElseThrow().error().description()).isEqualTo("SPAM");
    }

    @Test
    void untilClearedFailuresAndAReset() {
        account.failSends(null, "79011112233", 0, "BAD_CONTACT", null);
        send("79011112233");
        send("79011112233");
        assertThat(account.sendFailures()).as("0 times: until cleared").hasSize(1);
        assertThat(control.delete("/__emulator/accounts/" + account.id() + "/send-failures").status()).isEqualTo(204);
        assertThat(account.sendFailures()).isEmpty();
        control.post("/__emulator/reset", null);
        assertThat(wazzup.statuses().pending()).as("a reset forgets planned statuses").isEmpty();
        assertThat(account.statusProgression()).isTrue();
    }

    @Test
    void withStatusesAsMessagesTheSendComesBackWithItsNewStatus() {
        wazzup.options().statusesAsMessages(true);
        String id = send("79011112233");
        clock.advance(Duration.ofMillis(200));
        await().atMost(DEADLINE).until(() -> !crm.received("messages").isEmpty());
        JsonNode item = crm.received("messages").get(0).body().at("/messages/0");
        assertThat(item.get("messageId").asText()).isEqualTo(id);
        assertThat(item.get("isEcho").asBoolean()).isTrue();
        assertThat(item.get("status").asText()).isEqualTo("sent");
        assertThat(crm.received("statuses")).isEmpty();
    }

    @Test
    void aStepBackIsNotReportedAutomatically() {
        String id = send("79011112233");
        account.messageStatus(id, "read", null, null);
        clock.advance(Duration.ofSeconds(3));
        await().atMost(DEADLINE).until(() -> wazzup.statuses().pending().isEmpty());
        // the hand-set "read", then only the automatic "read" (sent and delivered would step back)
        await().atMost(DEADLINE).until(() -> statuses().size() >= 2);
        assertThat(statuses()).containsExactly(id + " read", id + " read");
    }

    @Test
    void onARunningClockTheStatusesComeByThemselves() {
        try (WazzupEmulator live = WazzupEmulator.builder()
                .options(new EmulatorOptions().statusDelays(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(30)))
                .start()) {
            Account acc = live.createAccount("live");
            Http liveApi = new Http(live.baseUrl(), acc.apiKey());
            liveApi.patch("/v3/webhooks", Map.of("webhooksUri", crm.url(), "subscriptions", Map.of("messagesAndStatuses", true)));
            crm.clear();
            String id = liveApi.post("/v3/message", Map.of("channelId", acc.channelFor("whatsapp").orElseThrow().channelId(),
                    "chatType", "whatsapp", "chatId", "79011112233", "text", "hi")).json().get("messageId").asText();
            awaitStatuses(3);
            assertThat(statuses()).containsExactly(id + " sent", id + " delivered", id + " read");
        }
    }
}
