package dev.crmbridge.wazzup.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The options where the real Wazzup may answer otherwise than the default: listings that differ from
 * what was sent with no change in meaning, a server that ignores {@code offset}, and odd 2xx answers.
 */
class ListingAndAnswerVariantsTest extends EmulatorTestSupport {

    @Test
    void variedListingsShowTheSentContactsAsTheConstructedSampleDoes() {
        wazzup.options().variedListings(true);
        assertThat(api.post("/v3/contacts", List.of(Map.of("id", "2", "responsibleUserId", "1", "name", "3302",
                "contactData", List.of(Map.of("chatType", "whatsapp", "chatId", "79991114433"),
                        Map.of("chatType", "telegram", "username", "anna_tg")),
                "uri", "https://link-to-contact-in-crm.com")))).extracting(Http.Answer::status).isEqualTo(200);

        JsonNode listed = api.get("/v3/contacts?offset=0").json().get("data").get(0);
        assertThat(listed.get("id").isNumber()).as("a numeric id as a number").isTrue();
        assertThat(listed.get("responsibleUserId").isNumber()).isTrue();
        assertThat(listed.has("uri")).as("the optional uri left out").isFalse();
        JsonNode first = listed.get("contactData").get(0);
        assertThat(first.get("chatType").asText()).as("another order").isEqualTo("telegram");
        assertThat(first.get("username").asText()).as("another case").isEqualTo("ANNA_TG");
        assertThat(first.get("chatId").asText()).as("a generated chatId").matches("[0-9a-f-]{36}");
        // the telegram handle has the fields of the constructed sample's second contact
        assertThat(Samples.shapeDifferences(Samples.json("response-contacts-list.CONSTRUCTED.json")
                .at("/data/1/contactData/0"), first)).isEmpty();
        // the stored contact is as sent
        assertThat(api.get("/v3/contacts/2").json().get("uri").asText()).isEqualTo("https://link-to-contact-in-crm.com");
    }

    @Test
    void variedListingsShowDealsWithNumericIdsAndAStringClosed() {
        api.post("/v3/contacts", sample("request-contacts-upsert.json"));
        api.post("/v3/contacts", List.of(Map.of("id", "501", "responsibleUserId", "u-7", "name", "A",
                "contactData", List.of(Map.of("chatType", "whatsapp", "chatId", "79011112299")))));
        assertThat(api.post("/v3/deals", List.of(Map.of("id", "9001", "responsibleUserId", "u-7", "name", "Doors",
                "contacts", List.of("crm-contact-501", "501"), "uri", "https://crm.example.com/deals/9001", "closed", false)))
                .status()).isEqualTo(200);
        wazzup.options().variedListings(true);

        JsonNode listed = api.get("/v3/deals?offset=0").json().get("data").get(0);
        assertThat(listed.get("id").isNumber()).isTrue();
        assertThat(listed.get("closed").isTextual()).isTrue();
        assertThat(listed.get("closed").asText()).isEqualTo("false");
        assertThat(listed.get("contacts").get(0).isNumber()).as("another order, a number").isTrue();
        assertThat(listed.get("contacts").get(1).asText()).isEqualTo("crm-contact-501");
    }

    @Test
    void aServerThatIgnoresOffsetAnswersTheFirstPageAgain() {
        List<Map<String, Object>> many = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            many.add(Map.of("id", String.format("c%03d", i), "responsibleUserId", "u-7", "name", "C",
                    "contactData", List.of(Map.of("chatType", "whatsapp", "chatId", "7901000" + String.format("%04d", i)))));
        }
        api.post("/v3/contacts", many);
        api.post("/v3/contacts", List.of(Map.of("id", "c100", "responsibleUserId", "u-7", "name", "C",
                "contactData", List.of(Map.of("chatType", "whatsapp", "chatId", "79019999999")))));
        wazzup.options().ignoreListOffset(true);
        assertThat(api.get("/v3/contacts?offset=100").json().get("data"))
                .isEqualTo(api.get("/v3/contacts?offset=0").json().get("data"));
        assertThat(api.get("/v3/contacts?offset=100").json().get("data")).hasSize(100);
    }

    @Test
    void oddWriteAnswersAre2xxWithBodiesThatAreNotWhatTheDocsShow() {
        wazzup.options().oddWriteAnswers(true);
        Http.Answer upsert = api.post("/v3/contacts", sample("request-contacts-upsert.json"));
        assertThat(upsert.status()).isEqualTo(201);
        assertThat(upsert.body()).isEqualTo("{ ok }");
        Http.Answer deleted = api.patch("/v3/contacts/bulk_delete", List.of("crm-contact-501"));
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().isObject()).as("not the array of unknown ids").isTrue();
        assertThat(api.get("/v3/contacts/crm-contact-501").status()).as("the delete happened").isEqualTo(404);
    }
}
