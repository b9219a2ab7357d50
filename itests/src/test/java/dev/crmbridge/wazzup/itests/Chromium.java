package dev.crmbridge.wazzup.itests;

import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium through its chromedriver, for the browser tests, with what they share:
 * screenshots into {@code target/screenshots}, waits with a deadline, and the chat button's modal.
 * Needs {@code chromium} and {@code chromium-driver} ({@code bin/setup-test-deps}).
 */
final class Chromium implements AutoCloseable {

    static final Path SHOTS = Path.of("target", "screenshots");
    private static final String BINARY = System.getProperty("wazzup.chromium", "/usr/bin/chromium");
    private static final String DRIVER = System.getProperty("wazzup.chromedriver", "/usr/bin/chromedriver");

    final ChromeDriver driver;
    private final String prefix;
    private int shot;

    /** Starts a browser with a fresh profile in {@code work}; screenshots are named {@code prefix-NN-…}. */
    Chromium(Path work, String prefix) throws IOException {
        assertTrue("Chromium is missing: run bin/setup-test-deps (apt-get install chromium chromium-driver)",
                new File(BINARY).canExecute() && new File(DRIVER).canExecute());
        Files.createDirectories(SHOTS);
        this.prefix = prefix;
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER))
                .usingAnyFreePort().withLogFile(work.resolve("chromedriver.log").toFile()).build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--no-default-browser-check", "--window-size=1280,900",
                "--user-data-dir=" + work.resolve("profile").toAbsolutePath());
        driver = new ChromeDriver(service, options);
    }

    @Override
    public void close() {
        driver.quit();
    }

    void screenshot(String name) throws IOException {
        File f = driver.getScreenshotAs(OutputType.FILE);
        Files.copy(f.toPath(), SHOTS.resolve(String.format("%s-%02d-%s.png", prefix, ++shot, name)),
                StandardCopyOption.REPLACE_EXISTING);
    }

    void until(String what, BooleanSupplier condition) {
        until(what, Duration.ofSeconds(15), condition);
    }

    void until(String what, Duration timeout, BooleanSupplier condition) {
        new WebDriverWait(driver, timeout, Duration.ofMillis(100)).withMessage(what).until(d -> condition.getAsBoolean());
    }

    /** Clicks the button inside a chat button's shadow root, as a manager would, once the element is defined. */
    void click(WebElement chatButton) {
        until("the chat button's script", () -> {
            try {
                return chatButton.getShadowRoot() != null;
            } catch (org.openqa.selenium.NoSuchShadowRootException notYet) {
                return false;
            }
        });
        chatButton.getShadowRoot().findElement(By.cssSelector("button")).click();
    }

    interface Step {
        void run() throws Exception;
    }

    /** Waits for the chat modal and its page, runs {@code step} inside the frame, then returns to the page. */
    void inChatWindow(Step step) throws Exception {
        until("the chat window", () -> {
            List<WebElement> modal = driver.findElements(By.id("wazzup-chat-modal"));
            return !modal.isEmpty() && modal.get(0).isDisplayed();
        });
        driver.switchTo().frame(driver.findElement(By.id("wazzup-chat-frame")));
        try {
            until("the emulator's chat page", () -> !driver.findElements(By.id("wz-user")).isEmpty());
            step.run();
        } finally {
            driver.switchTo().defaultContent();
        }
    }

    void closeChatWindow() {
        driver.findElement(By.id("wazzup-chat-close")).click();
        until("the modal closed", () -> !driver.findElement(By.id("wazzup-chat-modal")).isDisplayed());
    }

    /** The chats listed in the emulator's chat window (inside its frame). */
    Set<String> chats() {
        Set<String> out = new HashSet<>();
        for (WebElement a : driver.findElements(By.cssSelector("#wz-chats a.chat"))) {
            out.add(a.getAttribute("data-chat"));
        }
        return out;
    }
}
