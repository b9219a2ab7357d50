package dev.crmbridge.wazzup.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crmbridge.wazzup.emulator.model.JournalEntry;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code POST /v3/message} against §10.2, §10.4 and §1.7: limits, channels, authors, quotes, buttons, faults. */
class MessageSendRulesTest extends EmulatorTestSupport {

    private String channel(String transport) {
        return account.channels().stream().filter(c -> c.transport().equals(transport)).findFirst()
                .map(c -> c.channelId()).orElseGet(() -> account.addChannel(transport, "p-" + transport, null, null).channelId());
    }

    private Http.Answer send(String transport, String chatType, Object... more) {
        Map<String, Object> body = new HashMap<>(Map.of("channelId", channel(transport), "chatType", chatType,
                "chatId", chatType.equals("whatsapp") || chatType.equals("viber") ? "79011112233" : "chat-1"));
        for (int i = 0; i + 1 < more.length; i += 2) {
            body.put((String) more[i], more[i + 1]);
        }
        return api.post("/v3/message", body);
    }

    @ParameterizedTest(name = "{0}/{1}: {2} characters, then {3}")
    @CsvSource({
        "whatsapp, whatsapp, 10000, MESSAGE_TEXT_TOO_LONG",
        "wapi, whatsapp, 1024, MESSAGES_TOO_LONG_WABA",
        "instagram, instagram, 1000, MESSAGES_TOO_LONG_INSTAGRAM",
        "tgapi, telegram, 4096, MESSAGES_TOO_LONG_TELEGRAM",
        "telegram, telegram, 4096, MESSAGES_TOO_LONG_TELEGRAM",
        "max, max, 4096, MESSAGE_TEXT_TOO_LONG",
        "maxbot, max, 4096, MESSAGE_TEXT_TOO_LONG",
        "vk, vk, 1000, MESSAGES_TOO_LONG_VK",
        "avito, avito, 1000, MESSAGES_TOO_LONG_AVITO",
        "viber, viber, 6999, MESSAGES_TOO_LONG_VIBER"
    })
    void eachTransportHasItsTextLimitAndCode(String transport, String chatType, int max, String code) {
        assertThat(send(transport, chatType, "text", "x".repeat(max)).status()).isEqualTo(201);
        Http.Answer over = send(transport, chatType, "text", "x".repeat(max + 1));
        assertThat(over.status()).isEqualTo(400);
        assertThat(over.error()).isEqualTo(code);
        assertThat(over.json().at("/data/maxLength").asInt()).isEqualTo(max);
        assertThat(over.json().has("requestId")).isTrue();
    }

    @ParameterizedTest(name = "state {0} → {1}")
    @CsvSource({
        "notEnoughMoney, CHANNEL_NO_MONEY",
        "blocked, CHANNEL_BLOCKED",
        "rejected, CHANNEL_WAPI_REJECTED",
        "qr, MESSAGE_CHANNEL_UNAVAILABLE",
        "onModeration, MESSAGE_CHANNEL_UNAVAILABLE",
        "init, MESSAGE_CHANNEL_UNAVAILABLE"
    })
    void onlyAnActiveChannelSends(String state, String code) {
        account.channelState(channel("wapi"), state, null, null);
        Http.Answer r = send("wapi", "whatsapp", "text", "hi");
        assertThat(r.error()).isEqualTo(code);
        assertThat(r.json().at("/data/state").asText()).isEqualTo(state);
        assertThat(account.chats()).as("nothing sent").isEmpty();
    }

    @Test
    void wrongTransportAndUnknownChannel() {
        assertThat(send("tgapi", "whatsapp", "text", "hi").error()).isEqualTo("WRONG_TRANSPORT");
        assertThat(send("wapi", "telegram", "text", "hi").error()).isEqualTo("WRONG_TRANSPORT");
        assertThat(send("wapi", "whatsgroup", "text", "hi").status()).as("WABA serves WhatsApp chat types").isEqualTo(201);
        assertThat(api.post("/v3/message", Map.of("channelId", "00000000-0000-0000-0000-000000000000",
                "chatType", "whatsapp", "chatId", "1", "text", "x")).error()).isEqualTo("CHANNEL_NOT_FOUND");
    }

    @Test
    void theAuthorIsTheCrmUserUnlessTheKeyIsASidecar() {
        api.post("/v3/users", sample("request-users-upsert.json"));
        String id = send("whatsapp", "whatsapp", "text", "hi", "crmUserId", "u-7").json().get("messageId").asText();
        assertThat(account.message(id).orElseThrow()).satisfies(m -> {
            assertThat(m.authorId()).isEqualTo("u-7");
            assertThat(m.authorName()).isNotBlank();
            assertThat(m.viaApi()).isTrue();
        });
        account.sidecarKey("sidecar-1");
        Http.Answer bySidecar = api.withKey("sidecar-1").post("/v3/message", Map.of("channelId", channel("whatsapp"),
                "chatType", "whatsapp", "chatId", "79011112233", "text", "hi", "crmUserId", "u-7"));
        assertThat(bySidecar.status()).isEqualTo(201);
        assertThat(account.message(bySidecar.json().get("messageId").asText()).orElseThrow().authorId())
                .as("§1.2: ignored with a sidecar key").isNull();
    }

    @Test
    void aQuoteMustNameAKnownMessage() {
        String customer = account.customerWrites("whatsapp", "79011112233", "where is my order?").messageId();
        Http.Answer r = send("whatsapp", "whatsapp", "text", "on its way", "refMessageId", customer);
        assertThat(r.status()).isEqualTo(201);
        assertThat(account.message(r.json().get("messageId").asText()).orElseThrow().refMessageId()).isEqualTo(customer);
        Http.Answer unknown = send("whatsapp", "whatsapp", "text", "x", "refMessageId", "61e5a375-1760-452f-ad73-5318844ffc4f");
        assertThat(unknown.error()).isEqualTo("REFERENCE_MESSAGE_NOT_FOUND");
    }

    @Test
    void filesGetTheirTypeAndBadUrlsOrBlankTextsAreRefused() {
        String id = send("whatsapp", "whatsapp", "contentUri", "https://files.example.com/a/photo.JPG?sig=1")
                .json().get("messageId").asText();
        assertThat(account.message(id).orElseThrow().type()).isEqualTo("image");
        id = send("whatsapp", "whatsapp", "contentUri", "https://files.example.com/invoice.pdf").json().get("messageId").asText();
        assertThat(account.message(id).orElseThrow().type()).isEqualTo("document");
        assertThat(send("whatsapp", "whatsapp", "contentUri", "ftp://x/y").error()).isEqualTo("MESSAGES_CONTENT_CAN_NOT_BE_BLANK");
        assertThat(send("whatsapp", "whatsapp", "text", "   ").error()).isEqualTo("MESSAGES_TEXT_CAN_NOT_BE_BLANK");
        assertThat(api.post("/v3/message", "not json").error()).isEqualTo("INVALID_MESSAGE_DATA");
    }

    @Test
    void buttonsAreCheckedAsFarAsTheReferenceSays() {
        Map<String, Object> ok = Map.of("buttons", List.of(Map.of("type", "text", "text", "Yes"), Map.of("text", "No")));
        Http.Answer sent = send("wapi", "whatsapp", "text", "Confirm?", "buttonsObject", ok);
        assertThat(sent.status()).isEqualTo(201);
        assertThat(account.message(sent.json().get("messageId").asText()).orElseThrow().buttons()).isTrue();

        List<Map<String, String>> eleven = java.util.stream.IntStream.range(0, 11).mapToObj(i -> Map.of("text", "b" + i)).toList();
        assertThat(fields(send("wapi", "whatsapp", "text", "x", "buttonsObject", Map.of("buttons", eleven))))
                .isEqualTo("[\"buttonsObject.buttons\"]");
        assertThat(fields(send("wapi", "whatsapp", "text", "x", "buttonsObject",
                Map.of("buttons", List.of(Map.of("text", "x".repeat(21))))))).isEqualTo("[\"buttonsObject.buttons[0].text\"]");
        assertThat(fields(send("wapi", "whatsapp", "text", "x", "buttonsObject",
                Map.of("buttons", List.of(Map.of("type", "url", "text", "Go")))))).isEqualTo("[\"buttonsObject.buttons[0].type\"]");
        assertThat(fields(send("whatsapp", "whatsapp", "text", "x", "buttonsObject", "yes")))
                .isEqualTo("[\"buttonsObject\"]");
        assertThat(fields(send("whatsapp", "whatsapp", "text", "x", "buttonsObject",
                Map.of("buttons", List.of(Map.of("text", " ")))))).isEqualTo("[\"buttonsObject.buttons[0].text\"]");
        // a Telegram bot keyboard: rows of buttons, texts up to 64
        Map<String, Object> rows = Map.of("replyMarkup", "inline", "buttons",
                List.of(List.of(Map.of("text", "A", "callbackData", "a")), List.of(Map.of("text", "x".repeat(65)))));
        assertThat(fields(send("telegram", "telegram", "text", "x", "buttonsObject", rows)))
                .isEqualTo("[\"buttonsObject.buttons[1][0].text\"]");
        assertThat(fields(send("telegram", "telegram", "text", "x", "buttonsObject",
                Map.of("replyMarkup", "sideways", "buttons", List.of(Map.of("text", "A")))))).isEqualTo("[\"buttonsObject.replyMarkup\"]");
        assertThat(fields(send("maxbot", "max", "text", "x", "buttonsObject",
                Map.of("buttons", List.of(List.of(Map.of("type", "teleport", "text", "A"))))))).isEqualTo("[\"buttonsObject.buttons[0][0].type\"]");
    }

    private static String fields(Http.Answer r) {
        assertThat(r.error()).isEqualTo("INVALID_MESSAGE_DATA");
        return r.json().at("/data/fields").toString();
    }

    @Test
    void theJournalKeepsEverySendsCrmMessageIdEvenWhenItCutsTheBody() {
        wazzup.options().journalBodyLimit = 50;
        for (String id : List.of("crm-1", "crm-2", "crm-1")) {
            api.post("/v3/message", "{\"text\":\"" + "y".repeat(200) + "\",\"channelId\":\"" + channel("whatsapp")
                    + "\",\"chatType\":\"whatsapp\",\"chatId\":\"79011112233\",\"crmMessageId\":\"" + id + "\"}");
        }
        send("whatsapp", "whatsapp", "text", "no id");
        List<JournalEntry> sends = wazzup.journal().entries("POST /v3/message");
        assertThat(sends).extracting(JournalEntry::status).containsExactly(201, 201, 400, 201);
        assertThat(sends.get(0).body()).doesNotContain("crm-1");
        assertThat(sends).extracting(JournalEntry::crmMessageId).containsExactly("crm-1", "crm-2", "crm-1", null);
        assertThat(control.get("/__emulator/journal?route=POST%20/v3/message").json().get(0).get("crmMessageId").asText())
                .isEqualTo("crm-1");
    }

    @Test
    void aLostAnswerStillSendsAndItsStatusesFollow() {
        wazzup.faults().next("POST /v3/message", Fault.loseAnswer());
        assertThatThrownBy(() -> send("whatsapp", "whatsapp", "text", "hello", "crmMessageId", "lost-1"))
                .isInstanceOf(UncheckedIOException.class);
        var m = account.chat("whatsapp", "79011112233").orElseThrow().messages();
        assertThat(m).singleElement().satisfies(x -> assertThat(x.crmMessageId()).isEqualTo("lost-1"));
        assertThat(control.get("/__emulator/accounts/" + account.id() + "/statuses").json().findValuesAsText("status"))
                .containsExactly("sent", "delivered", "read");
        // the client's retry meets the duplicate guard
        assertThat(send("whatsapp", "whatsapp", "text", "hello", "crmMessageId", "lost-1").error())
                .isEqualTo("REPEATED_CRM_MESSAGE_ID");
    }

    @Test
    void anOutageSendsNothing() {
        wazzup.faults().outage(Duration.ofMinutes(1), 503);
        assertThat(send("whatsapp", "whatsapp", "text", "hello", "crmMessageId", "o-1").status()).isEqualTo(503);
        assertThat(account.chats()).isEmpty();
        assertThat(wazzup.statuses().pending()).isEmpty();
        wazzup.faults().outage(Duration.ZERO, 503);
        assertThat(send("whatsapp", "whatsapp", "text", "hello", "crmMessageId", "o-1").status())
                .as("the refused send left no crmMessageId behind").isEqualTo(201);
    }
}
