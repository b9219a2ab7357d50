package dev.crmbridge.wazzup.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crmbridge.wazzup.emulator.model.ChatMessage;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** §10.3: {@code PATCH} and {@code DELETE /v3/message/{messageId}}. */
class MessageEditDeleteTest extends EmulatorTestSupport {

    private String channel(String transport) {
        return account.channels().stream().filter(c -> c.transport().equals(transport)).findFirst().orElseThrow().channelId();
    }

    private String send(String transport, Object... more) {
        Map<String, Object> body = new HashMap<>(Map.of("channelId", channel(transport), "chatType",
                transport.equals("tgapi") ? "telegram" : "whatsapp", "chatId", "79011112233", "text", "Your order is ready"));
        for (int i = 0; i + 1 < more.length; i += 2) {
            body.put((String) more[i], more[i + 1]);
        }
        Http.Answer r = api.post("/v3/message", body);
        assertThat(r.status()).isEqualTo(201);
        return r.json().get("messageId").asText();
    }

    private ChatMessage stored(String id) {
        return account.message(id).orElseThrow();
    }

    @Test
    void anEditReplacesTheTextKeepsTheOldAndShowsInTheChatAndTheJournal() {
        api.post("/v3/users", sample("request-users-upsert.json"));
        String id = send("whatsapp", "crmUserId", "u-7");
        clock.advance(Duration.ofMinutes(14));
        Http.Answer r = api.patch("/v3/message/" + id, Map.of("text", "Your order is ready for pickup", "crmUserId", "u-8"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(stored(id)).satisfies(m -> {
            assertThat(m.text()).isEqualTo("Your order is ready for pickup");
            assertThat(m.edited()).isTrue();
            assertThat(m.authorId()).as("the editor").isEqualTo("u-8");
            assertThat(m.oldInfo().oldText()).isEqualTo("Your order is ready");
            assertThat(m.oldInfo().oldAuthorId()).isEqualTo("u-7");
        });
        JsonNode listed = control.get("/__emulator/accounts/" + account.id() + "/chats/whatsapp/79011112233").json();
        assertThat(listed.at("/messages/0/edited").asBoolean()).isTrue();
        assertThat(wazzup.journal().entries("PATCH /v3/message/{messageId}")).singleElement()
                .satisfies(e -> assertThat(e.path()).isEqualTo("/v3/message/" + id));

        assertThat(api.patch("/v3/message/" + id, Map.of("contentUri", "https://files.example.com/receipt.pdf")).status())
                .isEqualTo(200);
        assertThat(stored(id).contentUri()).isEqualTo("https://files.example.com/receipt.pdf");
    }

    @Test
    void aDeleteMarksTheMessageAndAnotherDeleteFindsNothing() {
        String id = send("tgapi");
        clock.advance(Duration.ofHours(47));
        assertThat(api.delete("/v3/message/" + id).status()).isEqualTo(200);
        assertThat(stored(id).deleted()).isTrue();
        assertThat(control.get("/__emulator/accounts/" + account.id() + "/messages/" + id).json().get("deleted").asBoolean())
                .isTrue();
        assertThat(api.delete("/v3/message/" + id).error()).isEqualTo("MESSAGES_NOT_FOUND");
        assertThat(api.patch("/v3/message/" + id, Map.of("text", "x")).error()).isEqualTo("MESSAGES_NOT_FOUND");
        assertThat(wazzup.journal().entries("DELETE /v3/message/{messageId}")).hasSize(2);
    }

    @Test
    void theDocumentedRefusals() {
        String id = send("whatsapp");
        Http.Answer unknown = api.patch("/v3/message/61e5a375-1760-452f-ad73-5318844ffc4f", Map.of("text", "x"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.error()).isEqualTo("MESSAGES_NOT_FOUND");
        assertThat(unknown.json().has("requestId")).isTrue();
        assertThat(api.delete("/v3/message/61e5a375-1760-452f-ad73-5318844ffc4f").error()).isEqualTo("MESSAGES_NOT_FOUND");
        String customers = account.customerWrites("whatsapp", "79011112233", "hi").messageId();
        assertThat(api.patch("/v3/message/" + customers, Map.of("text", "x")).error())
                .as("a customer's message is not the account's to edit").isEqualTo("MESSAGES_NOT_FOUND");

        assertThat(api.patch("/v3/message/" + id, Map.of("text", "x", "contentUri", "https://f.example.com/a.png")).error())
                .isEqualTo("MESSAGES_ONLY_TEXT_OR_CONTENT");
        assertThat(api.patch("/v3/message/" + id, Map.of("crmUserId", "u-7")).error()).isEqualTo("MESSAGE_NOTHING_TO_SEND");
        assertThat(api.patch("/v3/message/" + id, Map.of("text", " ")).error()).isEqualTo("MESSAGES_TEXT_CAN_NOT_BE_BLANK");
        assertThat(api.patch("/v3/message/" + id, Map.of("text", "x".repeat(10_001))).error()).isEqualTo("MESSAGE_TEXT_TOO_LONG");

        String withButtons = send("wapi", "buttonsObject", Map.of("buttons", List.of(Map.of("text", "OK"))));
        String telegramButtons = send("tgapi", "buttonsObject", Map.of("buttons", List.of(Map.of("text", "OK"))));
        assertThat(api.patch("/v3/message/" + telegramButtons, Map.of("text", "x")).error()).isEqualTo("MESSAGES_CONTAIN_BUTTONS");
        assertThat(api.delete("/v3/message/" + telegramButtons).status()).as("buttons do not stop a delete").isEqualTo(200);

        Http.Answer waba = api.patch("/v3/message/" + withButtons, Map.of("text", "x"));
        assertThat(waba.error()).isEqualTo("CHANNEL_INVALID_TRANSPORT_FOR_EDITING");
        assertThat(api.delete("/v3/message/" + withButtons).error()).isEqualTo("CHANNEL_INVALID_TRANSPORT_FOR_DELETION");
        assertThat(stored(withButtons).deleted()).isFalse();
        assertThat(stored(id).edited()).as("nothing refused changed the message").isFalse();
    }

    @Test
    void theWindowsFollowTheEmulatorsClockAndTheOptions() {
        String id = send("whatsapp");
        clock.advance(Duration.ofMinutes(15).plusMillis(1));
        assertThat(api.patch("/v3/message/" + id, Map.of("text", "late")).error()).isEqualTo("MESSAGES_EDITING_TIME_EXPIRED");
        clock.advance(Duration.ofHours(48));
        assertThat(api.delete("/v3/message/" + id).error()).isEqualTo("MESSAGES_DELETION_TIME_EXPIRED");

        control.put("/__emulator/options", Map.of("messageEditWindowMillis", 0, "messageDeleteWindowMillis", 0));
        assertThat(api.patch("/v3/message/" + id, Map.of("text", "no limit")).status()).isEqualTo(200);
        assertThat(api.delete("/v3/message/" + id).status()).isEqualTo(200);
    }

    @Test
    void withEchoesAnEditAndADeleteComeBackAsMessages() {
        try (FakeCrm crm = new FakeCrm()) {
            api.patch("/v3/webhooks", Map.of("webhooksUri", crm.url(), "subscriptions", Map.of("messagesAndStatuses", true)));
            account.statusProgression(false);
            wazzup.options().echoApiMessages(true);
            String id = send("whatsapp");
            api.patch("/v3/message/" + id, Map.of("text", "edited text"));
            api.delete("/v3/message/" + id);
            List<FakeCrm.Received> messages = crm.received("messages");
            assertThat(messages).hasSize(3);
            JsonNode edit = messages.get(1).body().at("/messages/0");
            assertThat(edit.get("isEdited").asBoolean()).isTrue();
            assertThat(edit.get("text").asText()).isEqualTo("edited text");
            assertThat(edit.at("/oldInfo/oldText").asText()).isEqualTo("Your order is ready");
            assertThat(messages.get(2).body().at("/messages/0/isDeleted").asBoolean()).isTrue();
            assertThat(messages.get(0).body().at("/messages/0").has("isEdited")).as("only when true").isFalse();
        }
    }

    @Test
    void aDeletedMessageGetsNoMoreStatuses() {
        String id = send("whatsapp");
        api.delete("/v3/message/" + id);
        String kept = send("whatsapp"); // its statuses come in the same sweep, after the deleted one's
        clock.advance(Duration.ofSeconds(5));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "read".equals(stored(kept).status()));
        assertThat(stored(id).status()).isEqualTo("sent");
    }
}
