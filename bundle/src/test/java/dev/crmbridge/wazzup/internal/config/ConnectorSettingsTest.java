package dev.crmbridge.wazzup.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crmbridge.wazzup.api.IntegrationScheme;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectorSettingsTest {

    private static ConnectorSettings settings(Map<String, ?> values) {
        return ConnectorSettings.from(TestConfigs.of(ConnectorConfiguration.class, values));
    }

    @Test
    void defaultsPointAtProductionWithFullScheme() {
        ConnectorSettings s = settings(Map.of());
        assertThat(s.apiBaseUrl()).hasToString("https://api.wazzup24.com");
        assertThat(s.scheme()).isEqualTo(IntegrationScheme.CLIENT_MANAGEMENT);
        assertThat(s.hasApiKey()).isFalse();
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.responseTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void trimsKeyAndTrailingSlashes() {
        ConnectorSettings s = settings(Map.of("apiKey", "  k3y  ", "apiBaseUrl", "http://127.0.0.1:9090//",
                "scheme", IntegrationScheme.CONTACTS_ONLY));
        assertThat(s.apiKey()).isEqualTo("k3y");
        assertThat(s.apiBaseUrl()).hasToString("http://127.0.0.1:9090");
        assertThat(s.scheme().includesDeals()).isFalse();
    }

    @Test
    void rejectsBadUrlsNamingTheAttribute() {
        assertThatThrownBy(() -> settings(Map.of("apiBaseUrl", "ftp://x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("apiBaseUrl");
        assertThatThrownBy(() -> settings(Map.of("apiBaseUrl", "not a url")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("apiBaseUrl");
        assertThatThrownBy(() -> settings(Map.of("apiBaseUrl", "https://h/?q=1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("apiBaseUrl");
    }

    @Test
    void rejectsTimeoutsOutOfRange() {
        assertThatThrownBy(() -> settings(Map.of("connectTimeoutSeconds", 0)))
                .hasMessageContaining("connectTimeoutSeconds");
        assertThatThrownBy(() -> settings(Map.of("responseTimeoutSeconds", 601)))
                .hasMessageContaining("responseTimeoutSeconds");
    }

    @Test
    void toStringNeverShowsTheKey() {
        String secret = "d41d8cd98f00b204e9800998ecf8427e";
        ConnectorSettings s = settings(Map.of("apiKey", secret));
        assertThat(s.toString()).doesNotContain(secret).contains("<set>");
    }

    @Test
    void chatAndWauthPathsAreValidatedAndKeptApart() {
        ConnectorSettings s = settings(Map.of("chatPath", "/crm/chat/", "connectPath", "/crm/wazzup-connect"));
        assertThat(s.chatPath()).isEqualTo("/crm/chat");
        assertThat(s.connectPath()).isEqualTo("/crm/wazzup-connect");
        assertThatThrownBy(() -> settings(Map.of("chatPath", "/wazzup/webhook")))
                .hasMessageContaining("chatPath").hasMessageContaining("webhookPath");
        assertThatThrownBy(() -> settings(Map.of("connectPath", "/wazzup/chat")))
                .hasMessageContaining("connectPath");
        assertThatThrownBy(() -> settings(Map.of("connectPath", "no-slash"))).hasMessageContaining("connectPath");
        assertThatThrownBy(() -> settings(Map.of("counterPollSeconds", 4))).hasMessageContaining("counterPollSeconds");
        assertThatThrownBy(() -> settings(Map.of("counterTtlSeconds", 0))).hasMessageContaining("counterTtlSeconds");
    }

    @Test
    void wauthNeedsACodeAndASecretAndNeverShowsTheSecret() {
        assertThat(settings(Map.of()).wauthEnabled()).isFalse();
        assertThat(settings(Map.of("crmCode", "my-crm")).wauthEnabled()).isFalse();
        String secret = "wauth-secret-0123456789abcdef";
        ConnectorSettings s = settings(Map.of("crmCode", " my-crm ", "secret", secret, "crmKey", "ck-0123456789"));
        assertThat(s.wauthEnabled()).isTrue();
        assertThat(s.crmCode()).isEqualTo("my-crm");
        assertThat(s.toString()).doesNotContain(secret).doesNotContain("ck-0123456789").contains("crmCode=my-crm");
        assertThatThrownBy(() -> settings(Map.of("crmCode", "my crm!"))).hasMessageContaining("crmCode");
    }
}
