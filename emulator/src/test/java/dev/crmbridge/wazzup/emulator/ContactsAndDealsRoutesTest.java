package dev.crmbridge.wazzup.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContactsAndDealsRoutesTest extends EmulatorTestSupport {

    private static Map<String, Object> contact(String id) {
        return Map.of("id", id, "responsibleUserId", "u-7", "name", "Client " + id,
                "contactData", List.of(Map.of("chatType", "whatsapp", "chatId", "7900" + Math.floorMod(id.hashCode(), 1000000) + "1")));
    }

    @Test
    void contactSampleRoundTrips() {
        assertThat(api.post("/v3/contacts", sample("request-contacts-upsert.json")).status()).isEqualTo(200);
        Http.Answer one = api.get("/v3/contacts/crm-contact-501");
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json()).isEqualTo(Samples.json("request-contacts-upsert.json").get(0));
        Http.Answer list = api.get("/v3/contacts?offset=0");
        assertThat(Samples.shapeDifferences(Samples.json("response-contacts-list.CONSTRUCTED.json").get("data").get(0),
                list.json().get("data").get(0))).isEmpty();
        assertThat(list.json().get("count").asInt()).isEqualTo(1);
    }

    @Test
    void listsPagesOf100SortedById() {
        for (int batch = 0; batch < 3; batch++) {
            List<Map<String, Object>> items = new ArrayList<>();
            for (int i = 0; i < 100 && batch * 100 + i < 250; i++) {
                items.add(contact(String.format("c%04d", 249 - (batch * 100 + i))));
            }
            assertThat(api.post("/v3/contacts", items).status()).isEqualTo(200);
        }
        Http.Answer p0 = api.get("/v3/contacts?offset=0");
        Http.Answer p2 = api.get("/v3/contacts?offset=200");
        assertThat(p0.json().get("count").asInt()).isEqualTo(250);
        assertThat(p0.json().get("data")).hasSize(100);
        assertThat(p0.json().get("data").get(0).get("id").asText()).isEqualTo("c0000");
        assertThat(p2.json().get("data")).hasSize(50);
        assertThat(p2.json().get("data").get(49).get("id").asText()).isEqualTo("c0249");
        assertThat(api.get("/v3/contacts?offset=300").json().get("data")).isEmpty();
        assertThat(api.get("/v3/contacts?offset=-1").status()).isEqualTo(400);
    }

    @Test
    void contactFieldRulesAreEnforcedPerItem() {
        List<Object> items = List.of(
                Map.of("id", "ok", "responsibleUserId", "u", "name", "n",
                        "contactData", List.of(Map.of("chatType", "telegram", "username", "anna_tg"),
                                Map.of("chatType", "some-new-messenger", "chatId", "x1"))),
                Map.of("id", "bad", "responsibleUserId", "u", "name", "n", "contactData", List.of()),
                Map.of("id", "bad2", "responsibleUserId", "u", "name", "n", "uri", "u".repeat(201),
                        "contactData", List.of(Map.of("chatType", "whatsapp", "chatId", "+7 901 111"), Map.of("chatId", "1"))));
        Http.Answer r = api.post("/v3/contacts", items);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).isEqualTo("INVALID_CONTACTS_DATA");
        assertThat(r.json().get("data").toString()).isEqualTo("[{\"index\":1,\"fields\":[\"contactData\"]},"
                + "{\"index\":2,\"fields\":[\"uri\",\"contactData[0].chatId\",\"contactData[1].chatType\"]}]");
        // the first item alone is fine: Telegram by username, and an unknown chat type (open set)
        assertThat(api.post("/v3/contacts", List.of(items.get(0))).status()).isEqualTo(200);
    }

    @Test
    void contactDeleteAndBulkDelete() {
        api.post("/v3/contacts", List.of(contact("a"), contact("b"), contact("c")));
        assertThat(api.delete("/v3/contacts/a").status()).isEqualTo(200);
        assertThat(api.get("/v3/contacts/a").status()).isEqualTo(404);
        Http.Answer bulk = api.patch("/v3/contacts/bulk_delete", List.of("b", "zz"));
        assertThat(bulk.json().toString()).isEqualTo("[\"zz\"]");
        assertThat(account.contacts()).extracting(c -> c.id()).containsExactly("c");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            ids.add("x" + i);
        }
        assertThat(api.patch("/v3/contacts/bulk_delete", ids).error()).isEqualTo("TOO_MANY_ENTITIES");
        assertThat(api.patch("/v3/contacts/bulk_delete", sample("request-bulk-delete.json")).status()).isEqualTo(200);
    }

    @Test
    void contactBatchLimitsAndDuplicates() {
        List<Map<String, Object>> many = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            many.add(contact("m" + i));
        }
        assertThat(api.post("/v3/contacts", many).error()).isEqualTo("TOO_MANY_ENTITIES");
        assertThat(api.post("/v3/contacts", List.of(contact("d"), contact("d"))).status()).isEqualTo(500);
        assertThat(api.post("/v3/contacts", "[{").error()).isEqualTo("INVALID_CONTACTS_DATA");
    }

    @Test
    void dealSampleRoundTripsOnceItsContactIsLoaded() {
        Http.Answer early = api.post("/v3/deals", sample("request-deals-upsert.json"));
        assertThat(early.error()).isEqualTo("INVALID_DEALS_DATA");
        assertThat(early.json().get("data").toString()).isEqualTo("[{\"index\":0,\"fields\":[\"contacts[0]\"]}]");

        api.post("/v3/contacts", sample("request-contacts-upsert.json"));
        assertThat(api.post("/v3/deals", sample("request-deals-upsert.json")).status()).isEqualTo(200);
        assertThat(api.get("/v3/deals/crm-deal-9001").json()).isEqualTo(Samples.json("request-deals-upsert.json").get(0));
        Http.Answer list = api.get("/v3/deals?offset=0");
        assertThat(list.json()).isEqualTo(Samples.json("response-deals-list.CONSTRUCTED.json"));
    }

    @Test
    void dealFieldRules() {
        api.post("/v3/contacts", List.of(contact("c1")));
        Http.Answer r = api.post("/v3/deals", List.of(
                Map.of("id", "d1", "responsibleUserId", "u", "name", "n", "contacts", List.of("c1")),
                Map.of("id", "d2", "responsibleUserId", "u", "name", "n", "contacts", List.of(), "uri", "https://x",
                        "closed", "false")));
        assertThat(r.json().get("data").toString()).isEqualTo(
                "[{\"index\":0,\"fields\":[\"uri\",\"closed\"]},{\"index\":1,\"fields\":[\"contacts\",\"closed\"]}]");
        wazzup.options().requireDealUri(false);
        assertThat(api.post("/v3/deals", List.of(Map.of("id", "d1", "responsibleUserId", "u", "name", "n",
                "contacts", List.of("c1"), "closed", true))).status()).isEqualTo(200);
        assertThat(account.deal("d1").orElseThrow().closed()).isTrue();
    }

    @Test
    void dealDeleteAndBulkDelete() {
        api.post("/v3/contacts", sample("request-contacts-upsert.json"));
        api.post("/v3/deals", sample("request-deals-upsert.json"));
        assertThat(api.patch("/v3/deals/bulk_delete", List.of("crm-deal-9001", "nope")).json().toString())
                .isEqualTo("[\"nope\"]");
        assertThat(api.delete("/v3/deals/crm-deal-9001").status()).isEqualTo(404);
        assertThat(account.dealsOfContact("crm-contact-501")).isEmpty();
    }
}
