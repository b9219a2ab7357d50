package dev.crmbridge.wazzup.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AuthAndRateLimitTest extends EmulatorTestSupport {

    @Test
    void aMissingOrUnknownKeyIs401() {
        Http.Answer none = control.get("/v3/users");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.error()).isEqualTo("UNAUTHORIZED");
        assertThat(api.withKey("not-a-key").get("/v3/users").status()).isEqualTo(401);
        // old docs show Basic; the API takes Bearer only
        assertThat(api.withKey("Basic " + account.apiKey()).get("/v3/users").status()).isEqualTo(401);
    }

    @Test
    void aSidecarKeyIsForbiddenOutsideItsRoutes() {
        account.sidecarKey("sidecar-key-1");
        Http sidecar = api.withKey("sidecar-key-1");
        Http.Answer contacts = sidecar.get("/v3/contacts");
        assertThat(contacts.status()).isEqualTo(403);
        assertThat(contacts.json().toString()).contains("\"error\":\"FORBIDDEN\"");
        assertThat(sidecar.get("/v3/channels").status()).isEqualTo(200);
        assertThat(sidecar.get("/v3/webhooks").status()).isEqualTo(200);
    }

    @Test
    void the501stRequestInAWindowIs429AndTheNextWindowIsServed() {
        for (int i = 1; i <= 500; i++) {
            assertThat(api.get("/v3/channels").status()).as("request %d", i).isEqualTo(200);
        }
        Http.Answer over = api.get("/v3/channels");
        assertThat(over.status()).isEqualTo(429);
        assertThat(over.raw().headers().firstValue("Retry-After")).as("none documented").isEmpty();
        clock.advance(Duration.ofMillis(4_999));
        assertThat(api.get("/v3/channels").status()).as("still the same window").isEqualTo(429);
        clock.advance(Duration.ofMillis(1));
        assertThat(api.get("/v3/channels").status()).as("next window").isEqualTo(200);
    }

    @Test
    void eachKeyHasItsOwnBudgetAndTheLimitCanBeSwitchedOff() {
        wazzup.options().rateLimit(3, Duration.ofSeconds(5));
        Account other = wazzup.createAccount("other");
        for (int i = 0; i < 3; i++) {
            api.get("/v3/channels");
        }
        assertThat(api.get("/v3/channels").status()).isEqualTo(429);
        assertThat(api.withKey(other.apiKey()).get("/v3/channels").status()).isEqualTo(200);
        assertThat(control.get("/v3/channels").status()).as("a 401 is not counted").isEqualTo(401);
        wazzup.options().rateLimit(false);
        assertThat(api.get("/v3/channels").status()).isEqualTo(200);
    }

    @Test
    void unknownRoutesAre404() {
        assertThat(api.get("/v3/nothing-here").status()).isEqualTo(404);
    }

    @Test
    void oversizedBodiesAre413() {
        wazzup.options().maxBodyBytes = 1000;
        assertThat(api.post("/v3/contacts", "[" + " ".repeat(2000) + "]").status()).isEqualTo(413);
    }
}
