package dev.crmbridge.wazzup.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.crmbridge.wazzup.emulator.Account;
import dev.crmbridge.wazzup.emulator.WazzupEmulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The connector's Web Console page (Felix Web Console 5, {@code /system/console/wazzup}) in headless Chromium,
 * as an administrator uses it: a contact Wazzup cannot take is a dead letter with its reason; the host fixes
 * it; the administrator presses Retry on the page, and the page shows it gone and the contact arrives. A POST
 * without the CSRF token is refused, and so is one without the console's sign-in.
 */
public class ConsoleBrowserIT extends BrowserTestSupport {

    private static final String[][] CONSOLE = {{"org.apache.felix", "org.apache.felix.inventory"},
            {"org.owasp.encoder", "encoder"}, {"org.apache.felix", "org.apache.felix.webconsole"}};
    private static final String AUTH = "Basic " + Base64.getEncoder().encodeToString("admin:admin".getBytes(StandardCharsets.UTF_8));

    @Test
    public void aDeadLetterIsRetriedFromThePageOnceTheHostFixedItAndForgedPostsAreRefused() throws Exception {
        wazzup = WazzupEmulator.builder().start();
        Account account = wazzup.createAccount();
        Path work = Files.createTempDirectory(Path.of("target"), "console-");
        int port = WazzupTestSupport.freePort();
        String base = "http://127.0.0.1:" + port;
        List<String> bundles = new java.util.ArrayList<>(ChildFrameworks.bundles(ChildFrameworks.concat(ChildFrameworks.CORE,
                ChildFrameworks.EVENT_ADMIN, ChildFrameworks.HTTP, CONSOLE)));
        bundles.addAll(ChildFrameworks.ours());
        bundles.add(BrowserHostActivator.bundle(work.resolve("host.jar")));
        child = ChildFrameworks.start(work.resolve("felix-cache"), Map.of("org.osgi.service.http.port", Integer.toString(port),
                "org.apache.felix.http.host", "127.0.0.1", "wazzup.child.emulator", wazzup.baseUrl().toString(),
                "wazzup.child.apiKey", account.apiKey(), "wazzup.child.poll", "30", "wazzup.child.badLink", "c-boris"),
                bundles, work.resolve("child.log"));
        Path log = work.resolve("child.log");
        String page = base + "/system/console/wazzup";
        HttpClient http = HttpClient.newHttpClient();
        WazzupTestSupport.await("the console page", Duration.ofSeconds(60), () -> {
            if (!child.isAlive()) {
                throw new AssertionError("the child framework exited: " + Files.readString(log));
            }
            return http.send(HttpRequest.newBuilder(URI.create(page)).header("Authorization", AUTH).build(),
                    HttpResponse.BodyHandlers.ofString()).body().contains("wazzup-console");
        });
        WazzupTestSupport.await("Boris set aside", Duration.ofSeconds(60), () -> account.contacts().size() == 2
                && http.send(HttpRequest.newBuilder(URI.create(page)).header("Authorization", AUTH).build(),
                        HttpResponse.BodyHandlers.ofString()).body().contains("contact/c-boris"));

        chromium = new Chromium(work, "console");
        var browser = chromium.driver;
        browser.executeCdpCommand("Network.enable", Map.of());
        browser.executeCdpCommand("Network.setExtraHTTPHeaders", Map.of("headers", Map.of("Authorization", AUTH)));
        browser.get(page);
        chromium.until("the dead letter on the page", () -> !browser.findElements(
                By.cssSelector("#wazzup-dead-letters tr[data-id='contact/c-boris']")).isEmpty());
        WebElement row = browser.findElement(By.cssSelector("#wazzup-dead-letters tr[data-id='contact/c-boris']"));
        assertTrue("the reason: " + row.getText(), row.getText().contains("uri"));
        assertTrue(browser.findElement(By.id("wazzup-health")).getText().contains("WARN"));
        chromium.screenshot("dead-letter");
        assertFalse("no key on the page", browser.getPageSource().contains(account.apiKey()));
        assertFalse("no webhook secret on the page", browser.getPageSource().contains(BrowserHostActivator.WEBHOOK_SECRET));

        // forged: the form without its token, and a signed-out one
        String form = "action=retry&id=" + java.net.URLEncoder.encode("contact/c-boris", StandardCharsets.UTF_8);
        HttpResponse<String> noToken = http.send(HttpRequest.newBuilder(URI.create(page)).header("Authorization", AUTH)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("a POST without the CSRF token: " + noToken.body(), 403, noToken.statusCode());
        String token = browser.findElement(By.cssSelector("input[name='csrf']")).getAttribute("value");
        HttpResponse<String> signedOut = http.send(HttpRequest.newBuilder(URI.create(page))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form
                        + "&csrf=" + token)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("a POST without the console's sign-in", 401, signedOut.statusCode());
        HttpResponse<String> otherSite = http.send(HttpRequest.newBuilder(URI.create(page)).header("Authorization", AUTH)
                .header("Origin", "http://evil.example.com").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form + "&csrf=" + token)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("a POST from another site", 403, otherSite.statusCode());
        HttpResponse<String> wrongToken = http.send(HttpRequest.newBuilder(URI.create(page)).header("Authorization", AUTH)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form + "&csrf=" + token.substring(1) + "A")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("a POST with a wrong token", 403, wrongToken.statusCode());
        HttpResponse<String> opaqueOrigin = http.send(HttpRequest.newBuilder(URI.create(page)).header("Authorization", AUTH)
                .header("Origin", "null").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form + "&csrf=" + token)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("a POST from an opaque origin (a sandboxed frame)", 403, opaqueOrigin.statusCode());
        assertEquals("still a dead letter", 2, account.contacts().size());

        // the host fixes the link; the administrator retries from the page
        assertEquals(204, http.send(HttpRequest.newBuilder(URI.create(base + "/host-test/fix"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
        row.findElement(By.cssSelector("button[value='retry']")).click();
        chromium.until("the outcome on the page", () -> !browser.findElements(By.id("wazzup-message")).isEmpty());
        assertTrue(browser.findElement(By.id("wazzup-message")).getText().contains("Retried contact/c-boris"));
        chromium.until("gone from the page", Duration.ofSeconds(30), () -> {
            if (browser.findElements(By.cssSelector("#wazzup-dead-letters tr[data-id='contact/c-boris']")).isEmpty()) {
                return true;
            }
            browser.navigate().refresh();
            return false;
        });
        chromium.screenshot("retried");
        WazzupTestSupport.await("Boris in Wazzup", Duration.ofSeconds(30), () -> account.contact("c-boris").isPresent());
        chromium.until("the page well", Duration.ofSeconds(30), () -> {
            browser.navigate().refresh();
            return browser.findElement(By.id("wazzup-health")).getText().contains("OK");
        });
        String childLog = Files.readString(log);
        assertFalse("a secret in the framework's log", childLog.contains(account.apiKey()));
    }
}
