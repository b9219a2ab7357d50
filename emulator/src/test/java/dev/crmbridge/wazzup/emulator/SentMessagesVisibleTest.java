package dev.crmbridge.wazzup.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** API sends as the chat window shows them and as the control routes list them. */
class SentMessagesVisibleTest extends EmulatorTestSupport {

    private String whatsapp;
    private String wapi;

    @BeforeEach
    void seed() {
        api.post("/v3/users", sample("request-users-upsert.json"));
        whatsapp = account.channelFor("whatsapp").orElseThrow().channelId();
        wapi = account.channels().stream().filter(c -> c.transport().equals("wapi")).findFirst().orElseThrow().channelId();
    }

    private String send(Map<String, Object> body) {
        Http.Answer r = api.post("/v3/message", body);
        assertThat(r.status()).isEqualTo(201);
        return r.json().get("messageId").asText();
    }

    @Test
    void theChatWindowShowsTextFileTemplateAuthorStatusEditAndDelete() {
        String guid = account.templates().get(0).templateGuid();
        String text = send(Map.of("channelId", whatsapp, "chatType", "whatsapp", "chatId", "79011112233",
                "text", "Hello <Anna>", "crmUserId", "u-7", "crmMessageId", "crm-1"));
        String file = send(Map.of("channelId", whatsapp, "chatType", "whatsapp", "chatId", "79011112233",
                "contentUri", "https://files.example.com/invoice.pdf"));
        send(Map.of("channelId", wapi, "chatType", "whatsapp", "chatId", "79011112233", "templateId", guid,
                "templateValues", List.of("Anna", "A-1024")));
        api.patch("/v3/message/" + text, Map.of("text", "Hello <Anna>, again"));
        api.delete("/v3/message/" + file);
        account.failSends(null, null, 1, "BAD_CONTACT", "no such WhatsApp account");
        String failed = send(Map.of("channelId", whatsapp, "chatType", "whatsapp", "chatId", "79011112233", "text", "lost"));
        clock.advance(Duration.ofMillis(200));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> "error".equals(account.message(failed).orElseThrow().status()));

        Http.Answer iframe = api.post("/v3/iframe", Map.of("user", Map.of("id", "u-7"), "scope", "card",
                "filter", List.of(Map.of("chatType", "whatsapp", "chatId", "79011112233"))));
        String page = control.get(iframe.json().get("url").asText().substring(wazzup.baseUrl().toString().length())).body();
        assertThat(page).contains("Hello &lt;Anna&gt;, again", "wz-edited", "Alex Salesman", "data-crm-message-id=\"crm-1\"",
                "https://files.example.com/invoice.pdf", "Message deleted", "template <b>order_confirmation</b>",
                "Anna; A-1024", "Hello, Anna! Your order A-1024 is confirmed.", "BAD_CONTACT: no such WhatsApp account",
                "data-status=\"error\"", " · API");
        assertThat(page).doesNotContain("Hello <Anna>");
    }

    @Test
    void theControlRoutesListAChatsMessagesForTests() {
        String a = send(Map.of("channelId", whatsapp, "chatType", "whatsapp", "chatId", "79011112233",
                "text", "one", "crmUserId", "u-7", "crmMessageId", "crm-1"));
        clock.advance(Duration.ofMillis(1));
        send(Map.of("channelId", whatsapp, "chatType", "whatsapp", "chatId", "79022223344", "text", "elsewhere"));
        clock.advance(Duration.ofMillis(1));
        String b = send(Map.of("channelId", whatsapp, "chatType", "whatsapp", "chatId", "79011112233",
                "contentUri", "https://files.example.com/a.png", "crmMessageId", "crm-2"));
        api.delete("/v3/message/" + b);

        String base = "/__emulator/accounts/" + account.id();
        JsonNode chat = control.get(base + "/messages?chatType=whatsapp&chatId=79011112233").json();
        assertThat(chat.findValuesAsText("messageId")).containsExactly(a, b);
        JsonNode first = chat.get(0);
        assertThat(first.get("crmMessageId").asText()).isEqualTo("crm-1");
        assertThat(first.get("text").asText()).isEqualTo("one");
        assertThat(first.get("authorId").asText()).isEqualTo("u-7");
        assertThat(first.get("status").asText()).isEqualTo("sent");
        assertThat(first.get("edited").asBoolean()).isFalse();
        assertThat(first.get("deleted").asBoolean()).isFalse();
        assertThat(first.get("viaApi").asBoolean()).isTrue();
        assertThat(chat.get(1).get("contentUri").asText()).isEqualTo("https://files.example.com/a.png");
        assertThat(chat.get(1).get("deleted").asBoolean()).isTrue();

        assertThat(control.get(base + "/messages").json()).hasSize(3);
        assertThat(control.get(base + "/messages?crmMessageId=crm-2").json().findValuesAsText("messageId")).containsExactly(b);
        JsonNode chats = control.get(base + "/chats").json();
        assertThat(List.of(chats.get(0).get("chatId").asText(), chats.get(1).get("chatId").asText()))
                .containsExactly("79011112233", "79022223344");
        assertThat(chats.get(0).get("messages")).hasSize(2);
        assertThat(control.get(base + "/chats/whatsapp/79099999999").status()).isEqualTo(404);
        assertThat(control.get(base + "/messages/nope").status()).isEqualTo(404);
        assertThat(control.get(base).json().get("templates")).hasSize(4);
    }

    @Test
    void aControlRouteConnectsAnotherChannel() {
        Http.Answer vk = control.post("/__emulator/accounts/" + account.id() + "/channels",
                Map.of("transport", "vk", "plainId", "club1", "state", "active"));
        assertThat(vk.status()).isEqualTo(201);
        assertThat(api.get("/v3/channels").json().findValuesAsText("transport")).contains("vk");
        assertThat(api.post("/v3/message", Map.of("channelId", vk.json().get("channelId").asText(), "chatType", "vk",
                "chatId", "12345", "text", "hi")).status()).isEqualTo(201);
        assertThat(control.post("/__emulator/accounts/" + account.id() + "/channels",
                Map.of("transport", "vk", "plainId", "club1")).status()).as("the same channel twice").isEqualTo(400);
    }
}
