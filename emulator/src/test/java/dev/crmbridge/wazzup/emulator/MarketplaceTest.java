package dev.crmbridge.wazzup.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** WAuth (§9): registration, the Connect redirect with a signed single-use state, and /v3/connect/. */
class MarketplaceTest extends EmulatorTestSupport {

    private Account partner;
    private static final String REDIRECT = "https://crm.example.com/wazzup/connect";

    @BeforeEach
    void registerIntegration() {
        partner = wazzup.createAccount("partner");
        Http.Answer r = api.withKey(partner.apiKey()).post("/v3/marketplace", sample("request-wauth-marketplace.json"));
        assertThat(r.status()).isEqualTo(200);
    }

    private String connectClick() {
        Http.Answer redirect = control.get("/__emulator/marketplace/connect?crmCode=my-crm_01&accountId=" + account.id());
        assertThat(redirect.status()).isEqualTo(302);
        String location = redirect.raw().headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(REDIRECT + "?state=");
        return java.net.URLDecoder.decode(location.substring(location.indexOf("state=") + 6), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void aConfirmedStateGivesTheAccountsKeyAndStoresTheCrmKey() {
        String state = connectClick();
        Http.Answer r = control.post("/v3/connect/", Map.of("state", state,
                "secret", "server-side-secret-never-sent-to-browser", "crmKey", "fresh-crm-key"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("apiKey").asText()).isEqualTo(account.apiKey());
        assertThat(account.crmKey()).isEqualTo("fresh-crm-key");
        // the journal never shows the secret or the crmKey
        assertThat(wazzup.journal().entries("POST /v3/connect").get(0).body())
                .doesNotContain("server-side-secret", "fresh-crm-key").contains("\"secret\":\"***\"");
    }

    @Test
    void aWazzupThatIgnoresTheCrmKeyConnectsButKeepsNone() {
        wazzup.options().ignoreConnectCrmKey(true);
        Http.Answer r = control.post("/v3/connect/", Map.of("state", connectClick(),
                "secret", "server-side-secret-never-sent-to-browser", "crmKey", "fresh-crm-key"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("apiKey").asText()).isEqualTo(account.apiKey());
        assertThat(account.crmKey()).as("the crmKey was dropped").isNull();
    }

    @Test
    void aStateIsSingleUse() {
        String state = connectClick();
        Map<String, String> body = Map.of("state", state, "secret", "server-side-secret-never-sent-to-browser");
        assertThat(control.post("/v3/connect", body).status()).isEqualTo(200);
        Http.Answer replay = control.post("/v3/connect", body);
        assertThat(replay.status()).isEqualTo(400);
        assertThat(replay.error()).isEqualTo("STATE_ALREADY_USED");
    }

    @Test
    void forgedExpiredAndWrongSecretAreRefused() {
        String state = connectClick();
        String forged = state.substring(0, state.indexOf('.')) + ".AAAA" + state.substring(state.indexOf('.') + 5);
        assertThat(control.post("/v3/connect", Map.of("state", forged, "secret", "server-side-secret-never-sent-to-browser"))
                .error()).isEqualTo("INVALID_STATE");
        Http.Answer wrong = control.post("/v3/connect", Map.of("state", state, "secret", "guess"));
        assertThat(wrong.error()).isEqualTo("INVALID_SECRET");
        assertThat(account.crmKey()).isNull();
        // a wrong secret does not use the state up
        clock.advance(Duration.ofMinutes(16));
        assertThat(control.post("/v3/connect", Map.of("state", state, "secret", "server-side-secret-never-sent-to-browser"))
                .error()).as("expired").isEqualTo("INVALID_STATE");
        assertThat(control.post("/v3/connect", Map.of("secret", "x")).error()).isEqualTo("INVALID_STATE");
    }

    @Test
    void theMarketplacePageOffersConnectAndAskForALinkWithoutRedirectUri() {
        String page = control.get("/__emulator/marketplace?accountId=" + account.id()).body();
        assertThat(page).contains("my-crm_01", "wz-connect-my-crm_01");
        api.withKey(partner.apiKey()).post("/v3/marketplace", Map.of("crmCode", "self-hosted", "authRedirectUri", "",
                "secret", "s"));
        assertThat(control.get("/__emulator/marketplace").body()).contains("name=\"crmUrl\"");
        Http.Answer r = control.get("/__emulator/marketplace/connect?crmCode=self-hosted&accountId=" + account.id()
                + "&crmUrl=" + java.net.URLEncoder.encode("https://my.crm.local/wz?x=1", java.nio.charset.StandardCharsets.UTF_8));
        assertThat(r.raw().headers().firstValue("Location").orElseThrow()).startsWith("https://my.crm.local/wz?x=1&state=");
    }

    @Test
    void registrationRules() {
        Http partnerApi = api.withKey(partner.apiKey());
        assertThat(partnerApi.post("/v3/marketplace", Map.of("crmCode", "bad code!", "secret", "s")).status()).isEqualTo(400);
        assertThat(partnerApi.post("/v3/marketplace", Map.of("crmCode", "ok")).status()).isEqualTo(400);
        assertThat(api.post("/v3/marketplace", Map.of("crmCode", "my-crm_01", "secret", "steal")).error())
                .as("another partner's code").isEqualTo("CRM_CODE_TAKEN");
    }
}
