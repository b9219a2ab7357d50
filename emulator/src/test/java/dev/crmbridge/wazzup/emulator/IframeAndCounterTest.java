package dev.crmbridge.wazzup.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IframeAndCounterTest extends EmulatorTestSupport {

    @BeforeEach
    void seed() {
        api.post("/v3/users", sample("request-users-upsert.json"));
        api.post("/v3/contacts", sample("request-contacts-upsert.json"));
        api.post("/v3/deals", sample("request-deals-upsert.json"));
    }

    @Test
    void cardScopeAnswersAUrlWhosePageShowsTheCardsChatsAndDeals() {
        account.customerWrites("whatsapp", "79011112233", "Do you deliver on Sunday?");
        Http.Answer r = api.post("/v3/iframe", sample("request-iframe-card.json"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(Samples.shapeDifferences(Samples.json("response-iframe.SECONDARY.json"), r.json())).isEmpty();
        String url = r.json().get("url").asText();
        assertThat(url).startsWith(wazzup.baseUrl() + "/__emulator/chat/");

        Http.Answer page = control.get(url.substring(wazzup.baseUrl().toString().length()));
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.raw().headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("Do you deliver on Sunday?", "Doors + flooring",
                "https://crm.example.com/deals/9001", "https://crm.example.com/contacts/501", "wz-plus",
                // useDealsEvents: "+" posts WZ_CREATE_ENTITY to the parent
                "WZ_CREATE_ENTITY", "WZ_OPEN_ENTITY");
        // the card's unknown Telegram chat was created, named after the filter
        assertThat(account.chat("telegram", "5b7f0c1e-0000-0000-0000-000000000000").orElseThrow().name())
                .isEqualTo("Anna (TG)");
    }

    @Test
    void globalScopeShowsTheChatsTheUserMaySee() {
        account.customerWrites("whatsapp", "79011112233", "mine");
        account.customerWrites("whatsapp", "79099990000", "a new client");
        api.post("/v3/contacts", List.of(Map.of("id", "c-kate", "responsibleUserId", "u-8", "name", "Kate's client",
                "contactData", List.of(Map.of("chatType", "whatsapp", "chatId", "79055550000")))));
        account.customerWrites("whatsapp", "79055550000", "not for Alex");
        Http.Answer r = api.post("/v3/iframe", Map.of("user", Map.of("id", "u-7", "name", "Alex"), "scope", "global"));
        String page = control.get(r.json().get("url").asText().substring(wazzup.baseUrl().toString().length())).body();
        assertThat(page).contains("mine", "Anna", "79099990000").doesNotContain("79055550000");
        assertThat(page).doesNotContain("WZ_CREATE_ENTITY");
    }

    @Test
    void requestErrors() {
        Http.Answer noFilter = api.post("/v3/iframe", Map.of("user", Map.of("id", "u-7"), "scope", "card"));
        assertThat(noFilter.status()).isEqualTo(400);
        assertThat(noFilter.json().get("data").get("fields").toString()).isEqualTo("[\"filter\"]");
        Http.Answer badScope = api.post("/v3/iframe", Map.of("user", Map.of("id", "u-7"), "scope", "all"));
        assertThat(badScope.json().get("data").get("fields").toString()).isEqualTo("[\"scope\"]");
        assertThat(api.post("/v3/iframe", Map.of("user", Map.of("id", "stranger"), "scope", "global")).status())
                .as("an unknown user without a name").isEqualTo(400);
        assertThat(api.post("/v3/iframe", Map.of("user", Map.of("id", "u-7"), "scope", "global")).status())
                .as("newest docs: name optional for a known user").isEqualTo(200);
        wazzup.options().requireIframeUserName(true);
        assertThat(api.post("/v3/iframe", Map.of("user", Map.of("id", "u-7"), "scope", "global")).status()).isEqualTo(400);
    }

    @Test
    void counterRisesWithCustomerMessagesAndResetsOnAReply() {
        Http.Answer zero = api.get("/v3/unanswered/u-7");
        assertThat(zero.json().get("counterV2").asInt()).isZero();
        assertThat(zero.json().get("type").isNull()).isTrue();

        account.customerWrites("whatsapp", "79011112233", "one");
        clock.advance(Duration.ofMinutes(1));
        account.customerWrites("whatsapp", "79011112233", "two");
        Http.Answer two = api.get("/v3/unanswered/u-7");
        assertThat(Samples.shapeDifferences(Samples.json("response-unanswered.json"),
                ((com.fasterxml.jackson.databind.node.ObjectNode) two.json().deepCopy()).without("counter"))).isEmpty();
        assertThat(two.json().get("counterV2").asInt()).isEqualTo(2);
        assertThat(two.json().get("type").asText()).isEqualTo("red");
        assertThat(two.json().get("lastMsgDateTime").asText()).isEqualTo("2026-11-25T10:01:00.000Z");
        assertThat(api.get("/v3/unanswered/u-8").json().get("counterV2").asInt()).as("not Kate's client").isZero();

        account.managerReplies("u-7", "whatsapp", "79011112233", "Yes we do");
        assertThat(account.unanswered("u-7").counterV2()).isZero();
    }

    @Test
    void rolesAndTheSevenDayWindowShapeTheCounter() {
        account.customerWrites("whatsapp", "79011112233", "for Alex");
        account.role("u-8", Role.SUPERVISOR);
        assertThat(account.unanswered("u-8")).satisfies(u -> {
            assertThat(u.counterV2()).isEqualTo(1);
            assertThat(u.type()).isEqualTo("grey");
        });
        account.role("u-8", Role.NONE);
        assertThat(account.unanswered("u-8").counterV2()).isZero();
        account.noReplyNeeded("whatsapp", "79011112233");
        assertThat(account.unanswered("u-7").counterV2()).isZero();
        clock.advance(Duration.ofSeconds(1));
        account.customerWrites("whatsapp", "79011112233", "again");
        assertThat(account.unanswered("u-7").counterV2()).isEqualTo(1);
        clock.advance(Duration.ofDays(7).plusSeconds(1));
        assertThat(account.unanswered("u-7").counterV2()).as("older than 7 days").isZero();
    }
}
