package dev.crmbridge.wazzup.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crmbridge.wazzup.emulator.model.Template;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** §10.5 {@code GET /v3/templates/whatsapp} and template sends on a WABA channel (§10.2, §10.4). */
class TemplatesTest extends EmulatorTestSupport {

    private String wapi() {
        return account.channels().stream().filter(c -> c.transport().equals("wapi")).findFirst().orElseThrow().channelId();
    }

    private String guid(String name) {
        return account.templates().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow().templateGuid();
    }

    private Http.Answer sendTemplate(String channelId, String templateId, List<String> values) {
        Map<String, Object> body = new HashMap<>(Map.of("channelId", channelId, "chatType", "whatsapp",
                "chatId", "79011112233", "templateId", templateId));
        if (values != null) {
            body.put("templateValues", values);
        }
        return api.post("/v3/message", body);
    }

    @Test
    void theSeededTemplatesInTheDocumentedShape() {
        Http.Answer r = api.get("/v3/templates/whatsapp");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().isArray()).isTrue();
        assertThat(r.json().findValuesAsText("name"))
                .containsExactly("order_confirmation", "thank_you", "parcel_on_its_way", "big_sale");
        assertThat(r.json().findValuesAsText("status")).containsExactly("approved", "approved", "approved", "rejected");
        JsonNode order = r.json().get(0);
        assertThat(new TreeSet<>(names(order))).containsExactlyElementsOf(new TreeSet<>(List.of("templateGuid", "accountId",
                "title", "name", "waba", "channels", "category", "language", "status", "rejected_reason", "namespace",
                "components")));
        assertThat(names(order.get("waba"))).containsExactly("wabaId", "wabaName");
        assertThat(order.get("channels").get(0).asText()).isEqualTo(wapi());
        assertThat(order.get("rejected_reason").isNull()).isTrue();
        List<String> types = new ArrayList<>();
        order.get("components").forEach(c -> types.add(c.get("type").asText()));
        assertThat(types).containsExactly("HEADER", "BODY", "FOOTER", "BUTTONS");
        assertThat(order.at("/components/0/format").asText()).isEqualTo("TEXT");
        assertThat(order.at("/components/1").has("format")).as("format is the header's only").isFalse();
        assertThat(order.at("/components/1/text").asText()).contains("{{1}}", "{{2}}");
        assertThat(order.at("/components/1/example").size()).isEqualTo(2);
        assertThat(names(order.at("/components/3/buttons/0"))).containsExactly("type", "text", "url");
        assertThat(r.json().get(3).get("rejected_reason").asText()).isEqualTo("PROMOTIONAL");
    }

    private static List<String> names(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void limitAndOffsetPage() {
        assertThat(api.get("/v3/templates/whatsapp?limit=2").json().findValuesAsText("name"))
                .containsExactly("order_confirmation", "thank_you");
        assertThat(api.get("/v3/templates/whatsapp?limit=2&offset=3").json().findValuesAsText("name"))
                .containsExactly("big_sale");
        assertThat(api.get("/v3/templates/whatsapp?offset=10").json()).isEmpty();
        Http.Answer bad = api.get("/v3/templates/whatsapp?limit=-1");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().at("/data/fields/0").asText()).isEqualTo("limit");
    }

    @Test
    void aSidecarKeyMayListTemplatesButNotEditOrDeleteMessages() {
        account.sidecarKey("sidecar-t");
        Http sidecar = api.withKey("sidecar-t");
        assertThat(sidecar.get("/v3/templates/whatsapp").status()).isEqualTo(200);
        assertThat(sidecar.patch("/v3/message/any", Map.of("text", "x")).status()).isEqualTo(403);
        assertThat(sidecar.delete("/v3/message/any").status()).isEqualTo(403);
    }

    @Test
    void controlRoutesAddReplaceAndModerateTemplates() {
        String path = "/__emulator/accounts/" + account.id() + "/templates";
        Http.Answer added = control.post(path, Map.of("name", "welcome", "components",
                List.of(Map.of("type", "body", "text", "Welcome, {{1}} {{2}}!"))));
        assertThat(added.status()).isEqualTo(200);
        JsonNode welcome = added.json().get(0);
        assertThat(welcome.get("status").asText()).isEqualTo("approved");
        assertThat(welcome.get("channels").get(0).asText()).as("the account's WABA channel by default").isEqualTo(wapi());
        assertThat(welcome.at("/components/0/type").asText()).isEqualTo("BODY");
        String guid = welcome.get("templateGuid").asText();
        assertThat(sendTemplate(wapi(), guid, List.of("Anna", "Smith")).status()).isEqualTo(201);

        // a moderation change reaches the stored template
        account.templateStatus(guid, "welcome", "PAUSED");
        assertThat(sendTemplate(wapi(), guid, List.of("Anna", "Smith")).error()).isEqualTo("TEMPLATE_REJECTED");

        Http.Answer replaced = control.put(path, List.of(Map.of("templateGuid", "t-1", "name", "only", "status", "pending",
                "components", List.of(Map.of("type", "BODY", "text", "Hi"))), Map.of("name", "second",
                "components", List.of(Map.of("type", "BODY", "text", "Yo")))));
        assertThat(replaced.json().findValuesAsText("name")).containsExactly("only", "second");
        assertThat(api.get("/v3/templates/whatsapp").json().findValuesAsText("templateGuid")).startsWith("t-1").hasSize(2);
        assertThat(control.post(path, Map.of("components", List.of())).status()).as("a name is required").isEqualTo(400);

        account.putTemplate(new Template("t-java", account.id(), "Java", "java", null, List.of(), "UTILITY", "en",
                "approved", null, null, List.of(new Template.Component("BODY", null, "From Java", null, null))));
        assertThat(control.get(path).json().findValuesAsText("name")).containsExactly("only", "second", "java");
    }

    @Test
    void aTemplateSendFillsTheBodyAndIsStoredWithItsValues() {
        Http.Answer r = sendTemplate(wapi(), guid("order_confirmation"), List.of("Anna", "A-1024"));
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().get("chatId").asText()).isEqualTo("79011112233");
        JsonNode stored = control.get("/__emulator/accounts/" + account.id() + "/messages/" + r.json().get("messageId").asText()).json();
        assertThat(stored.get("type").asText()).isEqualTo("wapi_template");
        assertThat(stored.get("templateId").asText()).isEqualTo(guid("order_confirmation"));
        assertThat(stored.get("templateValues").toString()).isEqualTo("[\"Anna\",\"A-1024\"]");
        assertThat(stored.get("text").asText()).isEqualTo("Hello, Anna! Your order A-1024 is confirmed. We will write when it ships.");

        assertThat(sendTemplate(wapi(), guid("parcel_on_its_way"), null).status()).as("no variables, no values").isEqualTo(201);
    }

    @Test
    void theTemplateTextForm() {
        Http.Answer r = api.post("/v3/message", Map.of("channelId", wapi(), "chatType", "whatsapp", "chatId", "79011112233",
                "text", "@template: " + guid("order_confirmation") + " { [[Anna]]; [[A-7]] }"));
        assertThat(r.status()).isEqualTo(201);
        var m = account.message(r.json().get("messageId").asText()).orElseThrow();
        assertThat(m.templateValues()).containsExactly("Anna", "A-7");
        assertThat(m.text()).startsWith("Hello, Anna! Your order A-7");
        Http.Answer one = api.post("/v3/message", Map.of("channelId", wapi(), "chatType", "whatsapp", "chatId", "79011112233",
                "text", "@template: " + guid("thank_you") + " { [[Bob]] }"));
        assertThat(one.status()).isEqualTo(201);
        Http.Answer malformed = api.post("/v3/message", Map.of("channelId", wapi(), "chatType", "whatsapp",
                "chatId", "79011112233", "text", "@template:"));
        assertThat(malformed.json().at("/data/fields/0").asText()).isEqualTo("text");
    }

    @Test
    void templateSendsAreRefusedWithTheClosestDocumentedCodes() {
        String whatsapp = account.channelFor("whatsapp").orElseThrow().channelId();
        assertThat(field(sendTemplate(whatsapp, guid("thank_you"), List.of("Anna")))).isEqualTo("templateId");
        assertThat(field(sendTemplate(wapi(), "5e0e6a5e-0000-0000-0000-000000000000", List.of()))).isEqualTo("templateId");
        Http.Answer rejected = sendTemplate(wapi(), guid("big_sale"), List.of("Anna"));
        assertThat(rejected.error()).isEqualTo("TEMPLATE_REJECTED");
        assertThat(rejected.json().at("/data/status").asText()).isEqualTo("rejected");
        assertThat(field(sendTemplate(wapi(), guid("order_confirmation"), List.of("Anna")))).isEqualTo("templateValues");
        assertThat(field(sendTemplate(wapi(), guid("thank_you"), List.of("Anna", "extra")))).isEqualTo("templateValues");
        assertThat(field(sendTemplate(wapi(), guid("thank_you"), List.of(" ")))).isEqualTo("templateValues[0]");
        assertThat(sendTemplate(wapi(), guid("thank_you"), List.of("x".repeat(600))).error())
                .isEqualTo("MESSAGES_TOO_LONG_WABA_TEMPLATE");
        wazzup.options().wabaTemplateTextLimit(1_024);
        assertThat(sendTemplate(wapi(), guid("thank_you"), List.of("x".repeat(600))).status()).isEqualTo(201);

        account.putTemplate(new Template("t-header", account.id(), "H", "h", null, List.of(), "UTILITY", "en", "approved",
                null, null, List.of(new Template.Component("HEADER", "TEXT", "Order {{1}}", null, null),
                        new Template.Component("BODY", null, "Dear {{1}}", null, null))));
        assertThat(sendTemplate(wapi(), "t-header", List.of("x".repeat(60), "Anna")).error())
                .isEqualTo("MESSAGES_TOO_LONG_WABA_HEADER");
        Http.Answer ok = sendTemplate(wapi(), "t-header", List.of("A-1", "Anna"));
        assertThat(account.message(ok.json().get("messageId").asText()).orElseThrow().text())
                .as("header values first, then the body's").isEqualTo("Dear Anna");

        Http.Answer notArray = api.post("/v3/message", Map.of("channelId", wapi(), "chatType", "whatsapp",
                "chatId", "79011112233", "templateId", guid("thank_you"), "templateValues", "Anna"));
        assertThat(field(notArray)).isEqualTo("templateValues");
    }

    private static String field(Http.Answer r) {
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).isEqualTo("INVALID_MESSAGE_DATA");
        return r.json().at("/data/fields/0").asText();
    }
}
