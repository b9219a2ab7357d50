package dev.crmbridge.wazzup.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessagesRoutesTest extends EmulatorTestSupport {

    private String whatsappChannel() {
        return account.channelFor("whatsapp").orElseThrow().channelId();
    }

    private String sendSample() {
        // the sample quotes a message this account does not have; without refMessageId it is sendable
        return sample("request-message-send.json", "e0629e11-0f67-4567-92a9-2237e91ec1b9", whatsappChannel(),
                "\"refMessageId\": \"61e5a375-1760-452f-ad73-5318844ffc4f\",", "");
    }

    @Test
    void listsChannels() {
        Http.Answer r = api.get("/v3/channels");
        assertThat(Samples.shapeDifferences(Samples.json("response-channels.json").get(0), r.json().get(0))).isEmpty();
        assertThat(r.json().findValuesAsText("transport")).containsExactly("whatsapp", "tgapi", "instagram", "wapi");
    }

    @Test
    void sendsTheSampleWith201AndStoresTheMessage() {
        Http.Answer r = api.post("/v3/message", sendSample());
        assertThat(r.status()).isEqualTo(201);
        assertThat(Samples.shapeDifferences(Samples.json("response-message-send.json"), r.json())).isEmpty();
        assertThat(r.json().get("chatId").asText()).isEqualTo("79011112233");
        var chat = account.chat("whatsapp", "79011112233").orElseThrow();
        assertThat(chat.messages()).singleElement().satisfies(m -> {
            assertThat(m.text()).isEqualTo("Hello from the CRM");
            assertThat(m.authorId()).isEqualTo("u-7");
            assertThat(m.echo()).isTrue();
        });
    }

    @Test
    void aRepeatedCrmMessageIdWithin60SecondsIsRefusedThenAllowed() {
        assertThat(api.post("/v3/message", sendSample()).status()).isEqualTo(201);
        clock.advance(Duration.ofSeconds(59));
        Http.Answer again = api.post("/v3/message", sendSample());
        assertThat(again.status()).isEqualTo(400);
        assertThat(Samples.shapeDifferences(Samples.json("error-repeated-crm-message-id.json"), again.json())).isEmpty();
        assertThat(again.json().get("data").get("crmMessageId").asText()).isEqualTo("crm-msg-000123");
        assertThat(account.chat("whatsapp", "79011112233").orElseThrow().messages()).as("nothing sent").hasSize(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(api.post("/v3/message", sendSample()).status()).isEqualTo(201);
    }

    @Test
    void aChatTypeTheChannelCannotServeIsWrongTransport() {
        Map<String, Object> body = new HashMap<>(Map.of("channelId", whatsappChannel(), "chatType", "vk",
                "chatId", "12345", "text", "hi"));
        Http.Answer r = api.post("/v3/message", body);
        assertThat(Samples.shapeDifferences(Samples.json("error-wrong-transport.json"), r.json())).isEmpty();
        assertThat(r.json().get("description").asText())
                .isEqualTo("You can't send message to vk chat from whatsapp transport");
    }

    @Test
    void fieldAndContentErrors() {
        Http.Answer noChannel = api.post("/v3/message", Map.of("chatType", "whatsapp", "chatId", "79011112233", "text", "x"));
        assertThat(Samples.shapeDifferences(Samples.json("error-invalid-message-data.json"), noChannel.json())).isEmpty();
        assertThat(noChannel.json().get("data").get("fields").toString()).isEqualTo("[\"channelId\"]");
        String ch = whatsappChannel();
        assertThat(api.post("/v3/message", Map.of("channelId", ch, "chatType", "whatsapp", "chatId", "79011112233",
                "text", "x", "contentUri", "https://f/x.png")).error()).isEqualTo("MESSAGE_ONLY_TEXT_OR_CONTENT");
        assertThat(api.post("/v3/message", Map.of("channelId", ch, "chatType", "whatsapp", "chatId", "79011112233"))
                .error()).isEqualTo("MESSAGE_NOTHING_TO_SEND");
        assertThat(api.post("/v3/message", Map.of("channelId", ch, "chatType", "whatsapp", "chatId", "79011112233",
                "text", "x".repeat(10_001))).error()).isEqualTo("MESSAGE_TEXT_TOO_LONG");
        assertThat(api.post("/v3/message", Map.of("channelId", "nope", "chatType", "whatsapp", "chatId", "1",
                "text", "x")).error()).isEqualTo("CHANNEL_NOT_FOUND");
        assertThat(api.post("/v3/message", Map.of("channelId", ch, "chatType", "whatsapp", "chatId", "1",
                "text", "x", "refMessageId", "nope")).error()).isEqualTo("REFERENCE_MESSAGE_NOT_FOUND");
        account.channelState(ch, "qr", null, null);
        assertThat(api.post("/v3/message", Map.of("channelId", ch, "chatType", "whatsapp", "chatId", "1",
                "text", "x")).error()).isEqualTo("MESSAGE_CHANNEL_UNAVAILABLE");
    }

    @Test
    void telegramByUsernameAnswersWazzupsChatGuid() {
        String tg = account.channelFor("telegram").orElseThrow().channelId();
        Http.Answer r = api.post("/v3/message", Map.of("channelId", tg, "chatType", "telegram", "username", "anna_tg",
                "text", "hi"));
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().get("chatId").asText()).matches("[0-9a-f-]{36}");
        assertThat(api.post("/v3/message", Map.of("channelId", tg, "chatType", "telegram", "text", "x".repeat(4097),
                "chatId", r.json().get("chatId").asText())).error()).isEqualTo("MESSAGES_TOO_LONG_TELEGRAM");
    }

    @Test
    void anApiSendClearsTheCounterUnlessAskedNotTo() {
        api.post("/v3/users", sample("request-users-upsert.json"));
        api.post("/v3/contacts", sample("request-contacts-upsert.json"));
        account.customerWrites("whatsapp", "79011112233", "hello?");
        assertThat(account.unanswered("u-7").counterV2()).isEqualTo(1);
        api.post("/v3/message", Map.of("channelId", whatsappChannel(), "chatType", "whatsapp", "chatId", "79011112233",
                "text", "auto-reply", "clearUnanswered", false));
        assertThat(account.unanswered("u-7").counterV2()).isEqualTo(1);
        api.post("/v3/message", Map.of("channelId", whatsappChannel(), "chatType", "whatsapp", "chatId", "79011112233",
                "text", "a human answer"));
        assertThat(account.unanswered("u-7").counterV2()).isZero();
    }
}
