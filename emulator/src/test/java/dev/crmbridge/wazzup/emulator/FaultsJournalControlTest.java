package dev.crmbridge.wazzup.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crmbridge.wazzup.emulator.model.JournalEntry;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FaultsJournalControlTest extends EmulatorTestSupport {

    @Test
    void faultsApplyToTheNextAnswersOfTheirRouteInOrder() {
        wazzup.faults().next("POST /v3/contacts", 2, Fault.status(503)).next("POST /v3/contacts", Fault.status(429));
        assertThat(api.post("/v3/contacts", "[]").status()).isEqualTo(503);
        assertThat(api.get("/v3/users").status()).as("other routes unaffected").isEqualTo(200);
        assertThat(api.post("/v3/contacts", "[]").status()).isEqualTo(503);
        Http.Answer limited = api.post("/v3/contacts", "[]");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(api.post("/v3/contacts", "[]").status()).isEqualTo(200);
        assertThat(wazzup.faults().pending()).isEmpty();
    }

    @Test
    void aDroppedConnectionAndADelayedAnswer() {
        wazzup.faults().next("*", Fault.drop());
        // a POST, because the JDK client silently retries a GET once on a closed connection
        assertThatThrownBy(() -> api.post("/v3/contacts", "[]")).isInstanceOf(UncheckedIOException.class);
        assertThat(wazzup.journal().entries("POST /v3/contacts")).singleElement()
                .satisfies(e -> assertThat(e.status()).as("no status was sent").isZero());
        wazzup.faults().next("GET /v3/users", Fault.delay(Duration.ofMillis(200)));
        long t0 = System.nanoTime();
        assertThat(api.get("/v3/users").status()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }

    @Test
    void theJournalSaysHowManyRequestsOfAKeyWereInFlightTogether() throws Exception {
        api.get("/v3/users");
        assertThat(wazzup.journal().entries("GET /v3/users")).singleElement()
                .satisfies(e -> assertThat(e.concurrent()).as("alone").isEqualTo(1));
        wazzup.faults().next("GET /v3/channels", Fault.delay(Duration.ofMillis(400)));
        Thread slow = new Thread(() -> api.get("/v3/channels"));
        slow.start();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> wazzup.faults().pending().isEmpty());
        api.get("/v3/users"); // while the delayed one is still being answered
        slow.join();
        assertThat(wazzup.journal().entries("GET /v3/users")).extracting(JournalEntry::concurrent).containsExactly(1, 2);
        assertThat(wazzup.journal().entries("GET /v3/channels")).singleElement()
                .satisfies(e -> assertThat(e.concurrent()).isEqualTo(1));
    }

    @Test
    void aLostAnswerMeansTheRequestTookEffect() {
        wazzup.faults().next("POST /v3/contacts", Fault.loseAnswer());
        assertThatThrownBy(() -> api.post("/v3/contacts", sample("request-contacts-upsert.json")))
                .isInstanceOf(UncheckedIOException.class);
        assertThat(account.contact("crm-contact-501")).isPresent();
    }

    @Test
    void anOutageAnswersEveryRouteUntilItEnds() {
        control.post("/__emulator/faults", Map.of("outageMillis", 60_000, "status", 503));
        assertThat(api.get("/v3/users").status()).isEqualTo(503);
        assertThat(api.post("/v3/contacts", "[]").status()).isEqualTo(503);
        wazzup.faults().outage(Duration.ZERO, 503);
        assertThat(api.get("/v3/users").status()).isEqualTo(200);
    }

    @Test
    void faultsThroughTheControlRoute() {
        Http.Answer queued = control.post("/__emulator/faults", Map.of("route", "GET /v3/channels", "times", 1,
                "status", 500, "delayMillis", 5, "body", "{\"error\":\"X\"}"));
        assertThat(queued.status()).isEqualTo(200);
        assertThat(queued.body()).contains("\"GET /v3/channels\"").contains("\"delayMillis\":5");
        Http.Answer r = api.get("/v3/channels");
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.body()).isEqualTo("{\"error\":\"X\"}");
    }

    @Test
    void theJournalRecordsRequestsWithTheKeyMasked() {
        api.post("/v3/contacts", sample("request-contacts-upsert.json"));
        api.withKey("wrong").get("/v3/users");
        List<JournalEntry> entries = wazzup.journal().entries();
        assertThat(entries).hasSize(2);
        JournalEntry first = entries.get(0);
        assertThat(first.route()).isEqualTo("POST /v3/contacts");
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.accountId()).isEqualTo(account.id());
        assertThat(first.body()).contains("crm-contact-501");
        assertThat(first.headers().get("authorization")).isEqualTo("Bearer ***");
        assertThat(entries.get(1).status()).isEqualTo(401);
        assertThat(entries.get(1).accountId()).isNull();
        String journalJson = control.get("/__emulator/journal").body();
        assertThat(journalJson).doesNotContain(account.apiKey()).contains("POST /v3/contacts");
    }

    @Test
    void controlRoutesCreateAccountsSimulateAndReset() {
        Http.Answer created = control.post("/__emulator/accounts", Map.of("accountId", "acme", "apiKey", "acme-key"));
        assertThat(created.status()).isEqualTo(201);
        Http acme = api.withKey("acme-key");
        acme.post("/v3/users", sample("request-users-upsert.json"));
        acme.post("/v3/contacts", sample("request-contacts-upsert.json"));
        Http.Answer sim = control.post("/__emulator/accounts/acme/customer-message",
                Map.of("chatType", "whatsapp", "chatId", "79011112233", "text", "hi"));
        assertThat(sim.status()).isEqualTo(200);
        assertThat(sim.json().get("messageId").asText()).isNotBlank();
        assertThat(acme.get("/v3/unanswered/u-7").json().get("counterV2").asInt()).isEqualTo(1);
        Http.Answer snapshot = control.get("/__emulator/accounts/acme");
        assertThat(snapshot.json().get("contacts")).hasSize(1);
        assertThat(snapshot.json().at("/chats/0/messages/0/text").asText()).isEqualTo("hi");

        control.put("/__emulator/accounts/acme/settings", Map.of("roles", Map.of("u-8", "SUPERVISOR")));
        assertThat(acme.get("/v3/unanswered/u-8").json().get("type").asText()).isEqualTo("grey");

        control.put("/__emulator/options", Map.of("rateLimitEnabled", false, "usersListShape", "PAGED"));
        assertThat(wazzup.options().rateLimitEnabled()).isFalse();
        assertThat(acme.get("/v3/users").json().get("count").asText()).isEqualTo("2");

        Http.Answer clockAnswer = control.post("/__emulator/clock", Map.of("advanceMillis", 60_000));
        assertThat(clockAnswer.json().get("now").asText()).isEqualTo("2026-11-25T10:01:00.000Z");

        assertThat(control.post("/__emulator/reset", null).status()).isEqualTo(204);
        assertThat(wazzup.account("acme").orElseThrow().contacts()).isEmpty();
        assertThat(wazzup.journal().entries()).isEmpty();
        assertThat(acme.get("/v3/channels").status()).as("accounts and keys survive a reset").isEqualTo(200);
    }

    @Test
    void controlErrorsAreClear() {
        assertThat(control.post("/__emulator/accounts/nobody/customer-message", Map.of()).status()).isEqualTo(404);
        Http.Answer missing = control.post("/__emulator/accounts/" + account.id() + "/customer-message", Map.of("chatType", "whatsapp"));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().get("description").asText()).contains("chatId");
        assertThat(control.get("/__emulator").body()).contains("POST /v3/contacts");
    }
}
