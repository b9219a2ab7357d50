package dev.crmbridge.wazzup.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhooksRoutesTest extends EmulatorTestSupport {

    private FakeCrm crm;

    @BeforeEach
    void startCrm() {
        crm = new FakeCrm();
    }

    @AfterEach
    void stopCrm() {
        crm.close();
    }

    private String patchBody(String uri) {
        return sample("request-webhooks-patch.json", "https://crm.example.com/wazzup/webhook?token=SECRET", uri);
    }

    @Test
    void aUrlAnswering500FailsTheTestPost() {
        crm.answering(r -> new FakeCrm.Answer(500, "oops"));
        Http.Answer r = api.patch("/v3/webhooks", patchBody(crm.url()));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json()).isEqualTo(Samples.json("error-webhooks-testPostNotPassed.json"));
        assertThat(account.webhooks().uri()).isNull();
        assertThat(crm.received()).hasSize(1);
        assertThat(crm.received().get(0).body()).isEqualTo(Samples.json("webhook-test.json"));
    }

    @Test
    void aUrlAnswering200IsSavedAndReturnedByGet() {
        Http.Answer r = api.patch("/v3/webhooks", patchBody(crm.url()));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{ ok }");
        FakeCrm.Received probe = crm.received().get(0);
        assertThat(probe.path()).isEqualTo("/wazzup/webhook?token=t0k3n");
        assertThat(probe.contentType()).isEqualTo("application/json; charset-utf-8");
        assertThat(probe.authorization()).as("no crmKey, no Authorization").isNull();

        Http.Answer get = api.get("/v3/webhooks");
        assertThat(get.json().get("webhooksUri").asText()).isEqualTo(crm.url());
        assertThat(Samples.shapeDifferences(Samples.json("response-webhooks-get.doc.json").get("subscriptions")
                .get("messagesAndStatuses"), get.json().get("subscriptions").get("messagesAndStatuses"))).isEmpty();
        assertThat(get.json().get("subscriptions").get("channelsUpdates").asText()).isEqualTo("true");
        assertThat(get.json().get("subscriptions").get("templateStatus").asText()).isEqualTo("false");

        wazzup.options().liveShapes(true);
        Http.Answer live = api.get("/v3/webhooks");
        assertThat(live.json().get("subscriptions").get("messagesAndStatuses").isBoolean()).isTrue();
        assertThat(live.json().get("subscriptions").has("wabaTemplatesStatus")).isTrue();
    }

    @Test
    void invalidOrLongUrisAreUriNotValid() {
        Http.Answer r = api.patch("/v3/webhooks", Map.of("webhooksUri", "not a uri"));
        assertThat(r.json()).isEqualTo(Samples.json("error-webhooks-uriNotValid.json"));
        String longUri = crm.url() + "&pad=" + "x".repeat(200);
        assertThat(api.patch("/v3/webhooks", Map.of("webhooksUri", longUri)).error()).isEqualTo("uriNotValid");
        assertThat(crm.received()).isEmpty();
    }

    @Test
    void theProbeCarriesTheCrmKeyAndAnUnreachableUrlFails() {
        account.crmKey("crm-key-123");
        api.patch("/v3/webhooks", patchBody(crm.url()));
        assertThat(crm.received().get(0).authorization()).isEqualTo("Bearer crm-key-123");

        String closed = "http://127.0.0.1:1/hook";
        Http.Answer r = api.patch("/v3/webhooks", Map.of("webhooksUri", closed));
        assertThat(r.error()).isEqualTo("testPostNotPassed");
        assertThat(account.webhooks().uri()).isEqualTo(crm.url());
    }

    @Test
    void aSlowUrlTimesOut() {
        wazzup.options().deliveryTimeout(Duration.ofMillis(300));
        crm.answering(r -> {
            try {
                Thread.sleep(1_500); // the CRM side is slow on purpose: the emulator must give up first
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return FakeCrm.Answer.ok();
        });
        Http.Answer r = api.patch("/v3/webhooks", patchBody(crm.url()));
        assertThat(r.error()).isEqualTo("testPostNotPassed");
        assertThat(r.json().get("data").get("error").asText()).contains("timeout");
    }
}
