package dev.crmbridge.wazzup.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.After;
import org.junit.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The README's main command, as a newcomer meets it: {@code java -jar demo/launcher/target/wazzup-demo.jar}
 * in its own process (Felix, the connector, the demo CRM, Felix HTTP, the Web Console, the emulator),
 * driven in headless Chromium. A manager signs in, edits a contact and the change reaches the emulator;
 * opens the global and a card chat window; a new client's message becomes a contact and a deal; the
 * Web Console shows the connector's configuration form (the key as a password field) and its sync
 * status; after a clean stop and a restart the data is still there. Screenshots: {@code demo-*.png}.
 */
public class DemoIT {

    private static final String JAR = System.getProperty("wazzup.demo.jar", "../demo/launcher/target/wazzup-demo.jar");

    private Process demo;
    private Chromium chromium;
    private Path work;
    private int port;
    private int emulatorPort;

    @After
    public void tearDown() {
        if (chromium != null) {
            chromium.close();
        }
        if (demo != null) {
            demo.destroyForcibly();
        }
    }

    private long start(String log) throws Exception {
        long t0 = System.nanoTime();
        demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                new File(JAR).getAbsolutePath(), "--port", Integer.toString(port), "--emulator-port",
                Integer.toString(emulatorPort), "--data", work.resolve("data").toString())
                .redirectErrorStream(true).redirectOutput(work.resolve(log).toFile()).start();
        WazzupTestSupport.await("the demo says it is ready (see " + work.resolve(log) + ")", Duration.ofSeconds(90),
                () -> {
                    if (!demo.isAlive()) {
                        throw new AssertionError("the demo exited: " + Files.readString(work.resolve(log)));
                    }
                    return Files.readString(work.resolve(log)).contains("Wazzup demo ready in");
                });
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    public void theDemoWorksEndToEnd() throws Exception {
        assertTrue("build the demo first: mvn -B -DskipTests package (" + JAR + ")", new File(JAR).isFile());
        work = Files.createTempDirectory(Path.of("target"), "demo-");
        port = WazzupTestSupport.freePort();
        emulatorPort = WazzupTestSupport.freePort();
        long ready = start("demo-1.log");
        System.out.println("DemoIT: the demo was ready " + ready + " ms after `java -jar`");
        String base = "http://127.0.0.1:" + port;
        EmulatorControl wazzup = new EmulatorControl("http://127.0.0.1:" + emulatorPort);
        WazzupTestSupport.await("the seed data in Wazzup", Duration.ofSeconds(60), () -> {
            JsonNode a = wazzup.account("demo");
            return a.get("users").size() == 6 && a.get("contacts").size() == 300 && a.get("deals").size() == 220
                    && a.get("pipelines").size() == 2;
        });

        chromium = new Chromium(work, "demo");
        var browser = chromium.driver;
        browser.get(base + "/");
        chromium.until("the sign-in page", () -> browser.getCurrentUrl().endsWith("/login"));
        new Select(browser.findElement(By.id("user"))).selectByVisibleText("Anna Kuznetsova (manager)");
        browser.findElement(By.id("sign-in")).click();
        chromium.until("the contacts", () -> !browser.findElements(By.cssSelector("#contacts tr[id^=contact-]")).isEmpty());
        chromium.screenshot("contacts");

        // edit a contact: the change reaches Wazzup
        WebElement row = browser.findElements(By.cssSelector("#contacts tr[id^=contact-]")).get(0);
        String contactId = row.getAttribute("id").substring("contact-".length());
        row.findElement(By.cssSelector("a")).click();
        chromium.until("the contact card", () -> !browser.findElements(By.id("contact-form")).isEmpty());
        WebElement name = browser.findElement(By.id("name"));
        String newName = name.getAttribute("value") + " (VIP)";
        name.clear();
        name.sendKeys(newName);
        WebElement phone = browser.findElement(By.id("whatsapp"));
        phone.clear();
        phone.sendKeys("+7 912 345-67-89");
        browser.findElement(By.id("save")).click();
        chromium.until("saved", () -> browser.getCurrentUrl().contains("saved=1"));
        WazzupTestSupport.await("the edited contact in Wazzup", Duration.ofSeconds(20), () -> {
            JsonNode c = contact(wazzup, contactId).orElse(null);
            return c != null && newName.equals(c.path("name").asText())
                    && c.path("contactData").toString().contains("79123456789");
        });
        chromium.screenshot("contact-edited");

        // the card's "Send a message" form: the message reaches the chat, and its status shows on the card
        String sentText = "Your order ships today " + System.nanoTime();
        browser.findElement(By.id("send-text")).sendKeys(sentText);
        browser.findElement(By.id("send")).click();
        chromium.until("queued", () -> browser.getCurrentUrl().contains("sent="));
        WazzupTestSupport.await("the sent message in Wazzup's chat", Duration.ofSeconds(30), () -> {
            for (JsonNode m : wazzup.send("GET", "/__emulator/accounts/demo/messages?chatType=whatsapp&chatId=79123456789", null)) {
                if (sentText.equals(m.path("text").asText()) && m.path("viaApi").asBoolean()) {
                    return true;
                }
            }
            return false;
        });
        chromium.until("its status on the card", Duration.ofSeconds(30), () -> {
            browser.navigate().refresh();
            return browser.findElements(By.cssSelector("#contact-outbox tr.sent-message")).stream()
                    .anyMatch(r -> List.of("SENT", "DELIVERED", "READ").contains(r.getAttribute("data-status")));
        });
        chromium.screenshot("message-sent");

        // the demo's automation: a deal of this contact closed as won sends the contact a thank-you on WhatsApp
        browser.findElement(By.id("new-deal")).click();
        chromium.until("the new deal", () -> !browser.findElements(By.id("close-deal")).isEmpty());
        String dealId = browser.getCurrentUrl().replaceAll(".*/deals/([^/?#]+).*", "$1");
        browser.findElement(By.id("close-deal")).click();
        chromium.until("closed", () -> browser.getCurrentUrl().contains("saved=1"));
        WazzupTestSupport.await("the thank-you in Wazzup's chat", Duration.ofSeconds(30), () -> {
            for (JsonNode m : wazzup.send("GET", "/__emulator/accounts/demo/messages?chatType=whatsapp&chatId=79123456789", null)) {
                if (("thanks-" + dealId + "-" + contactId).equals(m.path("crmMessageId").asText())) {
                    return true;
                }
            }
            return false;
        });
        browser.get(base + "/contacts/" + contactId);
        chromium.until("the contact card again", () -> !browser.findElements(By.id("contact-form")).isEmpty());

        // the card's chat window: only this contact's chat
        chromium.click(browser.findElement(By.cssSelector(".bar wazzup-chat-button")));
        chromium.inChatWindow(() -> {
            assertEquals("u-anna", browser.findElement(By.id("wz-user")).getAttribute("data-user-id"));
            assertEquals("card", browser.findElement(By.id("wz-scope")).getText());
            assertTrue(chromium.chats().contains("whatsapp:79123456789"));
            chromium.until("the message sent from the card in the chat window",
                    () -> browser.getPageSource().contains(sentText));
            chromium.screenshot("card-chat");
        });
        chromium.closeChatWindow();
        // the global one
        chromium.click(browser.findElement(By.cssSelector("#toolbar wazzup-chat-button")));
        chromium.inChatWindow(() -> {
            assertEquals("u-anna", browser.findElement(By.id("wz-user")).getAttribute("data-user-id"));
            assertEquals("global", browser.findElement(By.id("wz-scope")).getText());
            chromium.screenshot("global-chat");
        });
        chromium.closeChatWindow();

        // a new client writes: Wazzup asks the CRM for a contact and a deal
        JsonNode sim = wazzup.send("POST", "/__emulator/accounts/demo/customer-message", EmulatorControl.json(Map.of(
                "chatType", "whatsapp", "chatId", "79990001122", "name", "Marta Novak", "text", "Hello! Do you deliver?")));
        List<String> outcomes = sim.get("deliveries").findValuesAsText("outcome");
        assertTrue(outcomes.toString(), outcomes.stream().anyMatch(o -> o.startsWith("stored contact"))
                && outcomes.stream().anyMatch(o -> o.startsWith("stored deal")));
        browser.findElement(By.id("sign-out")).click();
        chromium.until("signed out", () -> browser.getCurrentUrl().endsWith("/login"));
        new Select(browser.findElement(By.id("user"))).selectByVisibleText("Sergei Orlov (administrator)");
        browser.findElement(By.id("sign-in")).click();
        chromium.until("signed in as the administrator", () -> !browser.findElements(By.id("me")).isEmpty());
        browser.get(base + "/contacts?q=Marta");
        chromium.until("the new client's contact", () -> browser.getPageSource().contains("Marta Novak"));
        browser.get(base + "/deals?q=Marta");
        chromium.until("the new client's deal", () -> browser.getPageSource().contains("Deal with Marta Novak"));
        chromium.screenshot("new-client-deal");
        // ... and the message itself became a notification (the connector's message/RECEIVED event)
        browser.get(base + "/messages");
        chromium.until("the notification", () -> browser.findElements(By.cssSelector("#messages tr.message")).stream()
                .anyMatch(r -> r.getText().contains("Hello! Do you deliver?") && r.getText().contains("Marta Novak")));
        chromium.screenshot("messages");

        // the Web Console: the configuration form, the key as a password field, the sync status
        browser.get("http://admin:admin@127.0.0.1:" + port + "/system/console/configMgr/dev.crmbridge.wazzup");
        chromium.until("the configuration form", () -> !browser.findElements(By.cssSelector("input[name=apiKey]")).isEmpty());
        assertEquals("password", browser.findElement(By.cssSelector("input[name=apiKey]")).getAttribute("type"));
        assertFalse("the key is not on the page", browser.getPageSource().contains(
                dev.crmbridge.wazzup.emulator.WazzupEmulator.DEMO_API_KEY));
        chromium.screenshot("console-config");
        browser.get("http://admin:admin@127.0.0.1:" + port + "/system/console/status-wazzup");
        chromium.until("the sync status", () -> browser.findElement(By.tagName("body")).getText().replace('\u00a0', ' ')
                .contains("Initial sync: complete"));
        chromium.screenshot("console-status");

        // Ctrl-C, then again: the data is kept, and the emulator (which forgets) gets it again
        demo.destroy(); // SIGTERM, as Ctrl-C
        assertTrue("stopped cleanly", demo.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(Files.readString(work.resolve("demo-1.log")).contains("Wazzup demo stopped."));
        long again = start("demo-2.log");
        System.out.println("DemoIT: restarted and ready in " + again + " ms");
        EmulatorControl fresh = new EmulatorControl("http://127.0.0.1:" + emulatorPort);
        WazzupTestSupport.await("the CRM's data in the new emulator", Duration.ofSeconds(60), () -> {
            JsonNode c = contact(fresh, contactId).orElse(null);
            return c != null && newName.equals(c.path("name").asText()) && fresh.account("demo").get("contacts").size() == 301;
        });
        browser.get(base + "/contacts/" + contactId);
        chromium.until("asked to sign in again", () -> browser.getCurrentUrl().endsWith("/login"));
        new Select(browser.findElement(By.id("user"))).selectByVisibleText("Anna Kuznetsova (manager)");
        browser.findElement(By.id("sign-in")).click();
        chromium.until("signed in again", () -> !browser.findElements(By.id("me")).isEmpty());
        browser.get(base + "/contacts/" + contactId);
        chromium.until("the edit survived", () -> newName.equals(browser.findElement(By.id("name")).getAttribute("value")));
        assertFalse("no secret in the log", Files.readString(work.resolve("demo-2.log"))
                .contains(dev.crmbridge.wazzup.emulator.WazzupEmulator.DEMO_API_KEY));
    }

    private static Optional<JsonNode> contact(EmulatorControl wazzup, String id) {
        for (JsonNode c : wazzup.account("demo").get("contacts")) {
            if (c.get("id").asText().equals(id)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
