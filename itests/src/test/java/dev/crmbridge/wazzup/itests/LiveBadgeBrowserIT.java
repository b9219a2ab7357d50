package dev.crmbridge.wazzup.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.crmbridge.wazzup.emulator.Account;
import dev.crmbridge.wazzup.emulator.WazzupEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.Before;
import org.junit.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * The live unanswered counter in real headless Chromium (issue 17, acceptance 1): the host's page polls once
 * an hour, so only the connector's stream can move the badge. A customer's message raises it and a
 * manager's reply in the chat window brings it down, without a reload.
 */
public class LiveBadgeBrowserIT extends BrowserTestSupport {

    private Account account;
    private ChromeDriver browser;
    private String base;

    @Before
    public void setUp() throws Exception {
        wazzup = WazzupEmulator.builder().start();
        account = wazzup.createAccount();
        Path work = Files.createTempDirectory(Path.of("target"), "live-badge-");
        int port = WazzupTestSupport.freePort();
        base = "http://127.0.0.1:" + port;
        child = ChildFrameworks.startWithHttp(work, BrowserHostActivator.bundle(work.resolve("host.jar")), port,
                Map.of("wazzup.child.emulator", wazzup.baseUrl().toString(), "wazzup.child.apiKey", account.apiKey(),
                        "wazzup.child.poll", "3600"));
        WazzupTestSupport.await("the host's users and contacts in Wazzup, webhooks subscribed", Duration.ofSeconds(60),
                () -> account.users().size() == 3 && account.contacts().size() == 3
                        && account.webhooks().messagesAndStatuses());
        chromium = new Chromium(work, "live-badge");
        browser = chromium.driver;
    }

    /** The node's open streams, as the host's diagnostics page tells them. */
    private long streams() throws Exception {
        String line = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(base + "/crm/jvm")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("streams=(\\d+),").matcher(line);
        assertTrue(line, m.find());
        return Long.parseLong(m.group(1));
    }

    @Test
    public void theBadgeRisesWhenACustomerWritesAndFallsWhenTheManagerRepliesWithoutAReload() throws Exception {
        browser.get(base + "/crm/");
        new Select(browser.findElement(By.id("user"))).selectByValue("u1");
        browser.findElement(By.id("sign-in")).click();
        chromium.until("the home page", () -> browser.findElements(By.id("me")).size() == 1);
        WebElement global = browser.findElement(By.cssSelector("#toolbar wazzup-chat-button"));
        chromium.until("the stream is live with the first counter", () -> "on".equals(global.getAttribute("data-live"))
                && "0".equals(global.getAttribute("data-count")));
        assertEquals("the page polls once an hour", "3600", global.getAttribute("poll"));
        browser.executeScript("window.__sameDocument = 'still here';"); // a reload would lose it

        long wrote = System.nanoTime();
        assertEquals(200, account.customerWrites("whatsapp", "79011112233", "Is the sofa still for sale?")
                .deliveries("messages").get(0).status());
        chromium.until("the badge shows the message", Duration.ofSeconds(10),
                () -> "1".equals(global.getAttribute("data-count")));
        long upMillis = (System.nanoTime() - wrote) / 1_000_000;
        WebElement badge = global.getShadowRoot().findElement(By.cssSelector(".badge"));
        assertEquals("1", badge.getText());
        assertTrue(badge.getAttribute("class"), badge.getAttribute("class").contains("red"));
        chromium.screenshot("badge-up");

        // the manager answers in Wazzup's window, opened from Anna's card
        chromium.click(browser.findElement(By.cssSelector("#contact-c-anna wazzup-chat-button")));
        long[] replied = new long[1];
        chromium.inChatWindow(() -> {
            assertEquals("whatsapp:79011112233", browser.findElement(By.id("wz-active")).getAttribute("data-chat"));
            browser.findElement(By.id("wz-text")).sendKeys("Yes, it is. Shall I reserve it for you?");
            replied[0] = System.nanoTime();
            browser.findElement(By.id("wz-send")).click();
        });
        chromium.until("the badge goes down while the window is still open", Duration.ofSeconds(10),
                () -> "0".equals(global.getAttribute("data-count")));
        long downMillis = (System.nanoTime() - replied[0]) / 1_000_000;
        assertTrue("the badge is hidden at 0", !badge.isDisplayed());
        chromium.screenshot("badge-down");
        chromium.closeChatWindow();

        assertEquals("no reload", "still here", browser.executeScript("return window.__sameDocument;"));
        assertEquals("on", global.getAttribute("data-live"));

        // a second tab of the same manager shares the first tab's stream: one connection, both badges live
        String first = browser.getWindowHandle();
        browser.switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
        browser.get(base + "/crm/");
        WebElement second = browser.findElement(By.cssSelector("#toolbar wazzup-chat-button"));
        chromium.until("the second tab's badge is live", Duration.ofSeconds(10),
                () -> "on".equals(second.getAttribute("data-live")) && "0".equals(second.getAttribute("data-count")));
        assertEquals("one stream for both tabs", 1, streams());
        account.customerWrites("whatsapp", "79011112233", "One more question");
        chromium.until("the second tab shows it", Duration.ofSeconds(10), () -> "1".equals(second.getAttribute("data-count")));
        browser.switchTo().window(first);
        chromium.until("and the first", Duration.ofSeconds(10), () -> "1".equals(global.getAttribute("data-count")));
        // the tab that streams closes: the other takes the stream over
        browser.close();
        browser.switchTo().window(browser.getWindowHandles().iterator().next());
        WebElement remaining = browser.findElement(By.cssSelector("#toolbar wazzup-chat-button"));
        chromium.until("the other tab took the stream over", Duration.ofSeconds(10),
                () -> "on".equals(remaining.getAttribute("data-live")));
        account.managerReplies("u1", "whatsapp", "79011112233", "Of course, ask away");
        chromium.until("the remaining tab hears the reply", Duration.ofSeconds(10),
                () -> "0".equals(remaining.getAttribute("data-count")));
        System.out.printf("[LiveBadgeBrowserIT] the badge rose %d ms after the customer's message and fell %d ms after"
                + " the manager's reply (poll: 1 h)%n", upMillis, downMillis);
    }
}
