package dev.crmbridge.wazzup.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import dev.crmbridge.wazzup.emulator.Account;
import dev.crmbridge.wazzup.emulator.WazzupEmulator;
import dev.crmbridge.wazzup.emulator.model.Deal;
import dev.crmbridge.wazzup.emulator.model.Delivery;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.Before;
import org.junit.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * What a manager sees, in real headless Chromium: a host CRM in a child OSGi framework (Felix, the
 * connector, Felix HTTP) whose pages place the connector's chat buttons by their UI-contribution
 * service properties, the emulator as Wazzup. The manager signs in, opens the global window and a
 * contact's window, sees the unanswered badge rise after a customer writes, and creates a deal with
 * "+" in the Deals dropdown. Screenshots go to {@code target/screenshots}.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver} ({@code bin/setup-test-deps}); the
 * test fails, naming the script, when they are missing.
 */
public class BrowserIT extends BrowserTestSupport {

    private static final int POLL_SECONDS = 5;

    private Account account;
    private ChromeDriver browser;
    private Path work;
    private String base;

    @Before
    public void setUp() throws Exception {
        wazzup = WazzupEmulator.builder().start();
        account = wazzup.createAccount();
        work = Files.createTempDirectory(Path.of("target"), "browser-");

        int port = WazzupTestSupport.freePort();
        base = "http://127.0.0.1:" + port;
        child = ChildFrameworks.startWithHttp(work, BrowserHostActivator.bundle(work.resolve("host.jar")), port,
                Map.of("wazzup.child.emulator", wazzup.baseUrl().toString(), "wazzup.child.apiKey", account.apiKey(),
                        "wazzup.child.poll", Integer.toString(POLL_SECONDS), "wazzup.child.stream", "false"));
        WazzupTestSupport.await("the host's users, contacts and deal in Wazzup, webhooks subscribed", Duration.ofSeconds(60),
                () -> account.users().size() == 3 && account.contacts().size() == 3 && account.deals().size() == 1
                        && account.webhooks().messagesAndStatuses());

        // earlier conversations, all answered: Anna's in both messengers (Manager 1), Vera's (Manager 2)
        for (String[] chat : new String[][] {{"whatsapp", "79011112233", "u1"}, {"telegram", "anna_p", "u1"},
                {"whatsapp", "79017778899", "u2"}}) {
            account.customerWrites(chat[0], chat[1], "Hello!");
            account.managerReplies(chat[2], chat[0], chat[1], "Good afternoon, how can I help?");
        }

        chromium = new Chromium(work, "browser");
        browser = chromium.driver;
    }

    @Test
    public void aManagerChatsFromTheHostPages() throws Exception {
        // sign in on the host's page
        browser.get(base + "/crm/");
        assertTrue("no session: the host sends the manager to sign in", browser.getCurrentUrl().endsWith("/crm/login"));
        new Select(browser.findElement(By.id("user"))).selectByValue("u1");
        browser.findElement(By.id("sign-in")).click();
        chromium.until("the home page", () -> browser.findElements(By.id("me")).size() == 1);
        assertEquals("u1", browser.findElement(By.id("me")).getAttribute("data-user-id"));
        assertTrue("Vera is Manager 2's", browser.findElements(By.id("contact-c-vera")).isEmpty());
        chromium.screenshot("home");

        // the global button opens this manager's window with all their chats
        chromium.click(browser.findElement(By.cssSelector("#toolbar wazzup-chat-button")));
        chromium.inChatWindow(() -> {
            assertEquals("u1", browser.findElement(By.id("wz-user")).getAttribute("data-user-id"));
            assertEquals("global", browser.findElement(By.id("wz-scope")).getText());
            Set<String> chats = chromium.chats();
            assertEquals("Manager 1's conversations", Set.of("whatsapp:79011112233", "telegram:anna_p"), chats);
            assertFalse("another manager's chat", chats.contains("whatsapp:79017778899"));
            chromium.screenshot("global-window");
        });
        chromium.closeChatWindow();

        // a contact's button opens only that contact's chats, the first one active
        chromium.click(browser.findElement(By.cssSelector("#contact-c-anna wazzup-chat-button")));
        chromium.inChatWindow(() -> {
            assertEquals("card", browser.findElement(By.id("wz-scope")).getText());
            assertEquals(Set.of("whatsapp:79011112233", "telegram:anna_p"), chromium.chats());
            assertEquals("whatsapp:79011112233", browser.findElement(By.id("wz-active")).getAttribute("data-chat"));
            chromium.screenshot("contact-window");
        });
        chromium.closeChatWindow();

        // a customer writes: the badge shows it within one poll interval
        WebElement global = browser.findElement(By.cssSelector("#toolbar wazzup-chat-button"));
        chromium.until("the first counter", () -> global.getAttribute("data-count") != null);
        assertEquals("0", global.getAttribute("data-count"));
        long wrote = System.nanoTime();
        List<Delivery> hooks = account.customerWrites("whatsapp", "79014445566", "Is the sofa still for sale?")
                .deliveries("messages");
        assertEquals("the connector took the messages webhook", 200, hooks.get(0).status());
        chromium.until("the badge shows the message", Duration.ofSeconds(POLL_SECONDS + 3),
                () -> "1".equals(global.getAttribute("data-count")));
        long tookMillis = (System.nanoTime() - wrote) / 1_000_000;
        System.out.println("BrowserIT: the badge showed the customer's message after " + tookMillis + " ms (poll "
                + POLL_SECONDS + " s)");
        WebElement badge = global.getShadowRoot().findElement(By.cssSelector(".badge"));
        assertEquals("1", badge.getText());
        assertTrue(badge.getAttribute("class").contains("red"));
        chromium.screenshot("badge");

        // "+" in the Deals dropdown of Boris's chat makes a deal in the host
        long dealsBefore = hostDeals().size(); // Wazzup made deals for new clients by webhook already
        chromium.click(browser.findElement(By.cssSelector("#contact-c-boris wazzup-chat-button")));
        chromium.inChatWindow(() -> {
            assertEquals(Set.of("whatsapp:79014445566"), chromium.chats());
            // a message of the same shape from the CRM page's own origin (not Wazzup's) is ignored
            browser.switchTo().defaultContent();
            browser.executeScript("window.postMessage({type: 'WZ_CREATE_ENTITY', data: {chatType: 'whatsapp',"
                    + " chatId: '79011112233'}}, '*');");
            browser.switchTo().frame(browser.findElement(By.id("wazzup-chat-frame")));
            browser.findElement(By.cssSelector("#wz-deals summary")).click();
            chromium.screenshot("deals-dropdown");
            browser.findElement(By.id("wz-plus")).click();
        });
        chromium.until("the page hears of the new deal", () -> !browser.findElements(By.cssSelector("#created-deals li")).isEmpty());
        assertNull("no error shown", browser.findElement(By.tagName("body")).getAttribute("data-wazzup-error"));
        String dealId = browser.findElement(By.cssSelector("#created-deals li")).getAttribute("data-deal-id");
        assertNotNull(dealId);
        chromium.screenshot("deal-created");

        // an entity link from the chat window opens only when it is http(s): never javascript: or data:
        int windows = browser.getWindowHandles().size();
        browser.switchTo().frame(browser.findElement(By.id("wazzup-chat-frame")));
        browser.executeScript("window.parent.postMessage({type: 'WZ_OPEN_ENTITY', data: {entity: {id: 'x',"
                + " link: 'javascript:alert(1)'}}}, '*');"
                + "window.parent.postMessage({type: 'WZ_OPEN_ENTITY', data: {entity: {id: 'z',"
                + " link: 'data:text/html,<script>alert(1)</script>'}}}, '*');"
                + "window.parent.postMessage({type: 'WZ_OPEN_ENTITY', data: {entity: {id: 'y',"
                + " link: 'https://crm.example.com/deals/y'}}}, '*');");
        browser.switchTo().defaultContent();
        chromium.until("the https link opened", () -> browser.getWindowHandles().size() > windows);
        assertEquals("the https link alone opened (messages are handled in order)", windows + 1,
                browser.getWindowHandles().size());
        chromium.closeChatWindow();
        List<String> made = hostDeals();
        assertEquals("one deal for one click, none for the forged message", dealsBefore + 1, made.size());
        assertEquals(1, browser.findElements(By.cssSelector("#created-deals li")).size());
        assertEquals("the host's factory made it", "HOST DEAL " + dealId + " u1 [c-boris]", made.get(made.size() - 1));
        WazzupTestSupport.await("the deal in Wazzup", Duration.ofSeconds(30), () -> account.deal(dealId).isPresent());
        Deal inWazzup = account.deal(dealId).orElseThrow();
        assertEquals("u1", inWazzup.responsibleUserId());
        browser.navigate().refresh();
        chromium.until("the deal on the host's page", () -> !browser.findElements(By.id("deal-" + dealId)).isEmpty());
        assertEquals("c-boris", browser.findElement(By.id("deal-" + dealId)).getAttribute("data-contacts"));

        // no secret on the manager's pages or in the framework's log
        String log = Files.readString(work.resolve("child.log"));
        for (String secret : List.of(account.apiKey(), BrowserHostActivator.WEBHOOK_SECRET)) {
            assertFalse("a secret on the page", browser.getPageSource().contains(secret));
            assertFalse("a secret in the log", log.contains(secret));
        }
    }

    // ---------------------------------------------------------------- helpers

    /** The deals the host's factory made, as its log lines. */
    private List<String> hostDeals() throws IOException {
        return Files.readString(work.resolve("child.log")).lines().filter(l -> l.startsWith("HOST DEAL ")).toList();
    }
}
