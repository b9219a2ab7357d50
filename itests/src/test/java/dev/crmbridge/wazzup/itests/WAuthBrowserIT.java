package dev.crmbridge.wazzup.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import dev.crmbridge.wazzup.emulator.Account;
import dev.crmbridge.wazzup.emulator.WazzupEmulator;
import dev.crmbridge.wazzup.emulator.model.Delivery;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

/**
 * Connecting by button, as an administrator does it, in headless Chromium: the emulator's marketplace
 * page → "Connect" → Wazzup's redirect with a signed state → the CRM's sign-in → back on the
 * confirmation page → "Connect" → the key and a crmKey in the configuration, the initial sync in
 * Wazzup, and webhooks that carry the crmKey (once seen, one without it gets 401). Again with a Wazzup
 * that ignores the crmKey (the reference cannot confirm it takes one): webhooks then work on the URL
 * secret alone. The host CRM runs in a child framework. Screenshots: {@code wauth-*.png}.
 */
public class WAuthBrowserIT extends BrowserTestSupport {

    private static final String CRM_CODE = "browser-crm";
    private static final String SECRET = "browser-wauth-secret-0123456789ab";

    @Test
    public void anAdministratorConnectsByButton() throws Exception {
        connectByButton(false);
    }

    @Test
    public void connectingByButtonEndsWithWorkingWebhooksWhenWazzupIgnoresTheCrmKey() throws Exception {
        connectByButton(true);
    }

    /**
     * A link for another account, as an attacker would mail it: the page warns that an account is
     * connected, one click does nothing, the ticked box replaces it, the page shows the new account's
     * channels, and "undo" brings the first account back (its crmKey again guards the webhooks).
     */
    private void replaceByButtonAndUndo(org.openqa.selenium.WebDriver browser, Account customer, Path log) throws Exception {
        Account other = wazzup.createAccount();
        browser.get(wazzup.baseUrl() + "/__emulator/marketplace?accountId=" + other.id());
        browser.findElement(By.id("wz-connect-" + CRM_CODE)).click();
        chromium.until("the confirmation page with its warning",
                () -> !browser.findElements(By.id("wazzup-connect-replaces")).isEmpty());
        chromium.screenshot("replace-warning");
        browser.findElement(By.id("wazzup-connect-confirm")).click(); // the box is not ticked: the form is not sent
        assertTrue("still on the confirmation page", browser.findElements(By.id("wazzup-connected")).isEmpty()
                && !browser.findElements(By.id("wazzup-connect-replaces")).isEmpty());
        browser.findElement(By.id("wazzup-connect-replace")).click();
        browser.findElement(By.id("wazzup-connect-confirm")).click();
        chromium.until("connected to the other account", () -> !browser.findElements(By.id("wazzup-connected")).isEmpty());
        assertFalse(browser.findElements(By.id("wazzup-connected-account")).isEmpty());
        chromium.screenshot("replaced");
        WazzupTestSupport.await("the other account synced", Duration.ofSeconds(60), () -> other.users().size() == 3);
        browser.findElement(By.id("wazzup-connect-undo")).click();
        chromium.until("undone", () -> !browser.findElements(By.id("wazzup-connect-undone")).isEmpty());
        chromium.screenshot("undone");
        // the first account's webhooks are taken again with its own crmKey
        WazzupTestSupport.await("the first account's webhooks taken again", Duration.ofSeconds(60), () -> {
            List<Delivery> d = customer.customerWrites("whatsapp", "79014445566", "Hello after undo").deliveries("messages");
            return d.size() == 1 && d.get(0).status() == 200;
        });
        for (String secret : List.of(other.apiKey(), customer.apiKey())) {
            assertFalse("no key on the page", browser.getPageSource().contains(secret));
        }
    }

    private void connectByButton(boolean wazzupIgnoresCrmKey) throws Exception {
        wazzup = WazzupEmulator.builder().start();
        wazzup.options().ignoreConnectCrmKey(wazzupIgnoresCrmKey);
        Account partner = wazzup.createAccount();
        Account customer = wazzup.createAccount();
        Path work = Files.createTempDirectory(Path.of("target"), "wauth-");
        int port = WazzupTestSupport.freePort();
        String base = "http://127.0.0.1:" + port;
        wazzup.marketplace().register(CRM_CODE, base + "/wazzup/connect", SECRET, partner.id());
        child = ChildFrameworks.startWithHttp(work, BrowserHostActivator.bundle(work.resolve("host.jar")), port,
                Map.of("wazzup.child.emulator", wazzup.baseUrl().toString(), "wazzup.child.poll", "30",
                        "wazzup.child.crmCode", CRM_CODE, "wazzup.child.wauthSecret", SECRET));
        Path log = work.resolve("child.log");
        HttpClient http = HttpClient.newHttpClient();
        WazzupTestSupport.await("the confirmation page", Duration.ofSeconds(60), () -> http.send(
                HttpRequest.newBuilder(URI.create(base + "/wazzup/connect")).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode() == 400); // up, and asking for a state

        chromium = new Chromium(work, wazzupIgnoresCrmKey ? "wauth-nokey" : "wauth");
        var browser = chromium.driver;
        browser.get(wazzup.baseUrl() + "/__emulator/marketplace?accountId=" + customer.id());
        chromium.screenshot("marketplace");
        browser.findElement(By.id("wz-connect-" + CRM_CODE)).click();
        // Wazzup → the CRM's page with the state → nobody signed in → the CRM's sign-in
        chromium.until("the CRM's sign-in", () -> browser.getCurrentUrl().startsWith(base + "/crm/login?next="));
        new Select(browser.findElement(By.id("user"))).selectByValue("u0"); // the administrator
        browser.findElement(By.id("sign-in")).click();
        chromium.until("back on the confirmation page", () -> !browser.findElements(By.id("wazzup-connect-confirm")).isEmpty());
        assertTrue(browser.getCurrentUrl().startsWith(base + "/wazzup/connect?state="));
        assertTrue(browser.getPageSource().contains(CRM_CODE));
        chromium.screenshot("confirm");
        browser.findElement(By.id("wazzup-connect-confirm")).click();
        chromium.until("connected", () -> !browser.findElements(By.id("wazzup-connected")).isEmpty());
        chromium.screenshot("connected");
        for (String secret : List.of(customer.apiKey(), SECRET)) {
            assertFalse("no secret on the page", browser.getPageSource().contains(secret));
        }

        // the key and the crmKey are in the configuration; the account gets the CRM and the subscription
        WazzupTestSupport.await("the configuration", Duration.ofSeconds(20),
                () -> Files.readString(log).contains("HOST CONFIG apiKey=set crmKey=set"));
        WazzupTestSupport.await("the initial sync and the subscription", Duration.ofSeconds(60),
                () -> customer.users().size() == 3 && customer.contacts().size() == 3 && customer.deals().size() == 1
                        && customer.webhooks().messagesAndStatuses());
        assertEquals("Wazzup keeps the crmKey unless it ignores it", wazzupIgnoresCrmKey, customer.crmKey() == null);
        List<Delivery> hooks = customer.customerWrites("whatsapp", "79014445566", "Hello after connecting")
                .deliveries("messages");
        assertEquals(1, hooks.size());
        assertEquals("the webhook carried the crmKey", !wazzupIgnoresCrmKey, hooks.get(0).authorized());
        assertEquals("the message webhook was taken", 200, hooks.get(0).status());
        String hookUri = customer.webhooks().uri();
        assertNotNull(hookUri);
        assertEquals(wazzupIgnoresCrmKey ? "the URL secret is all Wazzup sends" : "the crmKey was seen: the URL secret alone"
                + " no longer suffices", wazzupIgnoresCrmKey ? 200 : 401, http.send(HttpRequest.newBuilder(URI.create(hookUri))
                .POST(HttpRequest.BodyPublishers.ofString("{\"test\":true}")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode());
        if (!wazzupIgnoresCrmKey) {
            replaceByButtonAndUndo(browser, customer, log);
        }
        String childLog = Files.readString(log);
        for (String secret : wazzupIgnoresCrmKey ? List.of(customer.apiKey(), SECRET) : List.of(customer.apiKey(),
                customer.crmKey(), SECRET)) {
            assertFalse("a secret in the framework's log", childLog.contains(secret));
        }
    }
}
