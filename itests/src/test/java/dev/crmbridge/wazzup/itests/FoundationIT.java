package dev.crmbridge.wazzup.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import dev.crmbridge.wazzup.api.WazzupConnector;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import javax.inject.Inject;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * The foundation: both bundles resolve and start in a real framework with the standard services, the
 * connector's component waits for and then runs with its configuration, and Metatype describes it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FoundationIT extends WazzupTestSupport {

    @Inject
    private ConfigurationAdmin configAdmin;

    @Inject
    private ServiceComponentRuntime scr;

    @Inject
    private MetaTypeService metaType;

    @Configuration
    public Option[] config() {
        return baseConfiguration();
    }

    @After
    public void deleteConfiguration() throws Exception {
        org.osgi.service.cm.Configuration[] existing = configAdmin.listConfigurations(
                "(service.pid=" + WazzupConnector.PID + ")");
        if (existing != null) {
            for (org.osgi.service.cm.Configuration c : existing) {
                c.delete();
            }
        }
    }

    @Test
    public void runsOnTheFrameworkTheBuildChose() {
        String expected = System.getProperty("wazzup.itest.framework");
        String actual = context.getBundle(0).getSymbolicName();
        System.out.println("framework: " + actual + " " + context.getBundle(0).getVersion());
        if (expected != null) {
            assertEquals("system bundle", expected, actual);
        }
    }

    @Test
    public void bothBundlesAreActiveAndThePluginExportsNothing() {
        Bundle api = bundleNamed(API_BSN).orElseThrow(() -> new AssertionError("api bundle not installed"));
        Bundle plugin = bundleNamed(PLUGIN_BSN).orElseThrow(() -> new AssertionError("plugin bundle not installed"));
        assertEquals("api state", Bundle.ACTIVE, api.getState());
        assertEquals("plugin state", Bundle.ACTIVE, plugin.getState());
        assertTrue("api exports a versioned package",
                api.getHeaders().get("Export-Package").contains("dev.crmbridge.wazzup.api;version=\"1.0.0\""));
        assertNull("plugin exports nothing", plugin.getHeaders().get("Export-Package"));
    }

    @Test
    public void componentActivatesWithTheConfigurationFromConfigAdmin() throws Exception {
        ComponentDescriptionDTO description = await("the connector component description",
                () -> scr.getComponentDescriptionDTO(bundleNamed(PLUGIN_BSN).orElseThrow(), WazzupConnector.PID));
        await("no configuration yet (an earlier test's is deleted), so no active instance", () -> configurations(description)
                .stream().noneMatch(c -> c.state == ComponentConfigurationDTO.ACTIVE));

        String baseUrl = "http://127.0.0.1:" + freePort();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(WazzupConnector.PROPERTY_API_KEY, "it-key-0000");
        props.put(WazzupConnector.PROPERTY_API_BASE_URL, baseUrl);
        props.put(WazzupConnector.PROPERTY_SCHEME, "CONTACTS_ONLY");
        org.osgi.service.cm.Configuration config = configAdmin.getConfiguration(WazzupConnector.PID, "?");
        config.update(props);

        ComponentConfigurationDTO active = await("the connector component active with the new configuration",
                () -> configurations(description).stream()
                        .filter(c -> c.state == ComponentConfigurationDTO.ACTIVE)
                        .filter(c -> baseUrl.equals(c.properties.get(WazzupConnector.PROPERTY_API_BASE_URL)))
                        .findFirst().orElse(null));
        assertEquals("CONTACTS_ONLY", active.properties.get(WazzupConnector.PROPERTY_SCHEME));
        assertNull("activation failure", active.failure);
        // the singleton configuration is the account "default", and its services say so
        for (Class<?> type : List.of(dev.crmbridge.wazzup.api.sync.SyncStatus.class, dev.crmbridge.wazzup.api.chat.ChatWindows.class,
                dev.crmbridge.wazzup.api.chat.ChatButton.class)) {
            org.osgi.framework.ServiceReference<?> ref = await(type.getSimpleName(), () -> context.getServiceReference(type));
            assertEquals(type.getSimpleName(), dev.crmbridge.wazzup.api.account.Accounts.DEFAULT,
                    ref.getProperty(dev.crmbridge.wazzup.api.account.Accounts.SERVICE_PROPERTY));
        }
    }

    @Test
    public void theSecretsAreNotInTheComponentsPropertiesYetTheConnectorHasThem() throws Exception {
        ComponentDescriptionDTO description = await("the connector component description",
                () -> scr.getComponentDescriptionDTO(bundleNamed(PLUGIN_BSN).orElseThrow(), WazzupConnector.PID));
        String key = "it-key-4f1e2d3c4b5a69788796";
        String webhookSecret = "it-webhook-secret-0123456789abcdef";
        String crmKey = "it-crm-key-fedcba9876543210";
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(WazzupConnector.PROPERTY_API_KEY, key);
        props.put(WazzupConnector.PROPERTY_API_BASE_URL, "http://127.0.0.1:" + freePort());
        props.put("webhookSecret", webhookSecret);
        props.put("crmKey", crmKey);
        props.put("secret", "it-wauth-secret-0123456789");
        configAdmin.getConfiguration(WazzupConnector.PID, "?").update(props);

        ComponentConfigurationDTO active = await("the connector component active", () -> configurations(description)
                .stream().filter(c -> c.state == ComponentConfigurationDTO.ACTIVE).findFirst().orElse(null));
        // what scr:info and the Web Console's Components page print: every property of the DTO
        String shown = active.properties.toString();
        for (String secret : List.of(key, webhookSecret, crmKey, "it-wauth-secret-0123456789")) {
            assertFalse("a secret in the component's properties: " + shown.replace(secret, "<SECRET>"),
                    shown.contains(secret));
        }
        assertTrue("a marker stands for the key: " + shown,
                String.valueOf(active.properties.get(WazzupConnector.PROPERTY_API_KEY)).startsWith("<secret "));
        // the connector itself runs with the key: its webhook side does not say there is none
        dev.crmbridge.wazzup.api.sync.SyncStatus status = await("SyncStatus", () -> {
            org.osgi.framework.ServiceReference<dev.crmbridge.wazzup.api.sync.SyncStatus> ref =
                    context.getServiceReference(dev.crmbridge.wazzup.api.sync.SyncStatus.class);
            return ref == null ? null : context.getService(ref);
        });
        String problem = String.valueOf(status.webhooks().problem());
        assertFalse(problem, problem.contains("no API key"));
    }

    @Test
    public void metatypeDescribesTheApiKeyAsAPassword() {
        Bundle plugin = bundleNamed(PLUGIN_BSN).orElseThrow();
        ObjectClassDefinition ocd = metaType.getMetaTypeInformation(plugin).getObjectClassDefinition(WazzupConnector.PID, null);
        assertNotNull("OCD for " + WazzupConnector.PID, ocd);
        List<AttributeDefinition> attributes = Arrays.asList(ocd.getAttributeDefinitions(ObjectClassDefinition.ALL));

        AttributeDefinition apiKey = attribute(attributes, WazzupConnector.PROPERTY_API_KEY).orElseThrow(
                () -> new AssertionError("no apiKey attribute"));
        assertEquals("apiKey type", AttributeDefinition.PASSWORD, apiKey.getType());

        AttributeDefinition baseUrl = attribute(attributes, WazzupConnector.PROPERTY_API_BASE_URL).orElseThrow();
        assertEquals(WazzupConnector.DEFAULT_API_BASE_URL, baseUrl.getDefaultValue()[0]);

        AttributeDefinition scheme = attribute(attributes, WazzupConnector.PROPERTY_SCHEME).orElseThrow();
        assertEquals(List.of("CLIENT_MANAGEMENT", "CONTACTS_ONLY"), Arrays.asList(scheme.getOptionValues()));
    }

    private List<ComponentConfigurationDTO> configurations(ComponentDescriptionDTO description) {
        return List.copyOf(scr.getComponentConfigurationDTOs(description));
    }

    private static Optional<AttributeDefinition> attribute(List<AttributeDefinition> attributes, String id) {
        return attributes.stream().filter(a -> id.equals(a.getID())).findFirst();
    }
}
