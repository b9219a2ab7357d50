package dev.crmbridge.wazzup.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Hashtable;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What components are given in place of the secrets, and how the connector gets the values back. */
class SecretsPluginTest {

    private final SecretsPlugin plugin = new SecretsPlugin();

    @Test
    void everySecretBecomesAMarkerAndOtherPropertiesStay() {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("apiKey", "key-7c1f0e9d8b7a");
        props.put("webhookSecret", "hook-secret-0123456789");
        props.put("crmKey", "crm-key-abcdef012345");
        props.put("secret", "wauth-secret-5566");
        props.put("wauth.previousApiKey", "old-key-44332211");
        props.put("wauth.previousCrmKey", "old-crm-key-5544");
        props.put("apiBaseUrl", "https://api.wazzup24.com");
        plugin.modifyConfiguration(null, props);
        for (String name : SecretsPlugin.SECRET_PROPERTIES) {
            assertThat((String) props.get(name)).as(name).startsWith("<secret ").hasSize("<secret >".length() + 12);
        }
        assertThat(props.toString()).doesNotContain("key-7c1f0e9d8b7a").doesNotContain("hook-secret-0123456789")
                .doesNotContain("crm-key-abcdef012345").doesNotContain("wauth-secret-5566").doesNotContain("old-key-44332211").doesNotContain("old-crm-key-5544");
        assertThat(props.get("apiBaseUrl")).isEqualTo("https://api.wazzup24.com");
        assertThat(SecretsPlugin.marker("a-changed-key-1")).as("a changed value changes the marker")
                .isNotEqualTo(SecretsPlugin.marker("a-changed-key-2"));
    }

    @Test
    void theValueBehindAMarkerIsTheOneThePluginSawEvenWhenTheRawConfigurationHoldsAPlaceholder() {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("apiKey", "interpolated-key-99887766"); // what an interpolation plugin ranked before made of $[env:KEY]
        plugin.modifyConfiguration(null, props);
        String marker = (String) props.get("apiKey");
        assertThat(SecretsPlugin.resolve(marker, Map.of("apiKey", "$[env:WAZZUP_KEY]"), "apiKey"))
                .isEqualTo("interpolated-key-99887766");
    }

    @Test
    void withoutThePluginTheComponentsOwnValueIsUsedAndAMarkerWithoutAValueIsAnError() {
        assertThat(SecretsPlugin.resolve("plain-key-1234", Map.of(), "apiKey")).isEqualTo("plain-key-1234");
        assertThat(SecretsPlugin.resolve("", Map.of("apiKey", "from-raw-5678"), "apiKey")).isEqualTo("from-raw-5678");
        String unknown = SecretsPlugin.marker("never-seen-by-this-plugin-" + System.nanoTime());
        assertThat(SecretsPlugin.resolve(unknown, Map.of("apiKey", "raw-value-0001"), "apiKey")).isEqualTo("raw-value-0001");
        assertThatThrownBy(() -> SecretsPlugin.resolve(unknown, Map.of(), "apiKey"))
                .isInstanceOf(IllegalStateException.class).hasMessageNotContaining("never-seen");
    }
}
