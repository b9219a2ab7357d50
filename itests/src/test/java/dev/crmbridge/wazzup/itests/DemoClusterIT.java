package dev.crmbridge.wazzup.itests;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * The README's cluster command as a user meets it ({@code bin/demo-cluster}, here its Java part from the
 * built jar): PostgreSQL, one emulator and two demo nodes. In headless Chromium the administrator signs
 * in on the second node, sees the first lead on the Wazzup page, edits a contact there and the leader
 * sends it; the leader is killed from the demo's console, the second node's page then shows it leading,
 * and a second edit reaches Wazzup through it. {@code quit} stops everything; neither node logged an
 * error. Screenshots: {@code cluster-*.png}.
 */
public class DemoClusterIT {

    private static final String JAR = System.getProperty("wazzup.demo.jar", "../demo/launcher/target/wazzup-demo.jar");

    private Process demo;
    private Chromium chromium;

    @After
    public void tearDown() {
        if (chromium != null) {
            chromium.close();
        }
        if (demo != null) {
            demo.descendants().forEach(ProcessHandle::destroyForcibly);
            demo.destroyForcibly();
        }
    }

    @Test
    public void theClusterDemoShowsTheLeaderAndTheOtherNodeTakesOver() throws Exception {
        assertTrue("build the demo first: mvn -B -DskipTests package (" + JAR + ")", new File(JAR).isFile());
        Path work = Files.createTempDirectory(Path.of("target"), "cluster-demo-");
        Path log = work.resolve("demo-cluster.log");
        int a = WazzupTestSupport.freePort();
        int b = WazzupTestSupport.freePort();
        int emulatorPort = WazzupTestSupport.freePort();
        demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                new File(JAR).getAbsolutePath(), "dev.crmbridge.wazzup.demo.launcher.ClusterDemo", "--dir",
                work.resolve("data").toString(), "--ports", a + "," + b, "--emulator-port", Integer.toString(emulatorPort))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        OutputStream console = demo.getOutputStream();
        WazzupTestSupport.await("the cluster demo says it is ready (see " + log + ")", Duration.ofSeconds(150), () -> {
            if (!demo.isAlive()) {
                throw new AssertionError("the cluster demo exited: " + Files.readString(log));
            }
            return Files.readString(log).contains("Wazzup cluster demo ready in");
        });
        EmulatorControl wazzup = new EmulatorControl("http://127.0.0.1:" + emulatorPort);
        WazzupTestSupport.await("the seed data in Wazzup", Duration.ofSeconds(60),
                () -> wazzup.account("demo").get("contacts").size() == 300);

        chromium = new Chromium(work, "cluster");
        WebDriver browser = chromium.driver;
        String second = "http://127.0.0.1:" + b;
        browser.get(second + "/login");
        new Select(browser.findElement(By.id("user"))).selectByVisibleText("Sergei Orlov (administrator)");
        browser.findElement(By.id("sign-in")).click();
        chromium.until("signed in on the second node", () -> !browser.findElements(By.id("me")).isEmpty());
        browser.get(second + "/admin");
        String before = browser.findElement(By.id("cluster-state")).getText();
        assertTrue(before, before.contains("leader a since") && before.contains("nodes a, b") && before.contains("this node b")
                && !before.contains("(the leader)"));
        chromium.screenshot("follower");

        edit(browser, second, "Cluster edit on b");
        WazzupTestSupport.await("the edit made on the follower, in Wazzup", Duration.ofSeconds(20),
                () -> named(wazzup, "Cluster edit on b"));

        long t0 = System.nanoTime();
        command(console, "kill a");
        WazzupTestSupport.await("node b leads", Duration.ofSeconds(20), () -> Files.readString(log).contains("node b leads"));
        System.out.printf("DemoClusterIT: node b led %.1f s after node a was killed%n", (System.nanoTime() - t0) / 1e9);
        browser.get(second + "/admin");
        chromium.until("the page shows node b leading", () -> browser.findElement(By.id("cluster-state")).getText()
                .contains("leader b since"));
        assertTrue(browser.findElement(By.id("cluster-state")).getText().contains("(the leader)"));
        chromium.screenshot("leader");

        edit(browser, second, "Cluster edit after the takeover");
        WazzupTestSupport.await("the edit after the takeover, in Wazzup", Duration.ofSeconds(20),
                () -> named(wazzup, "Cluster edit after the takeover"));

        command(console, "quit");
        assertTrue("the cluster demo stopped", demo.waitFor(60, TimeUnit.SECONDS));
        String out = Files.readString(log);
        assertTrue(out, out.contains("Cluster demo stopped."));
        for (String line : out.split("\n")) {
            assertFalse("logged an error: " + line, line.contains("ERROR") || line.contains("Exception"));
        }
        assertFalse("no secret in the log", out.contains(dev.crmbridge.wazzup.emulator.WazzupEmulator.DEMO_API_KEY));
    }

    /** Renames the first contact of the list, on the card's form. */
    private void edit(WebDriver browser, String base, String name) {
        browser.get(base + "/contacts");
        chromium.until("the contacts", () -> !browser.findElements(By.cssSelector("#contacts tr[id^=contact-]")).isEmpty());
        browser.findElements(By.cssSelector("#contacts tr[id^=contact-] a")).get(0).click();
        chromium.until("the contact card", () -> !browser.findElements(By.id("contact-form")).isEmpty());
        browser.findElement(By.id("name")).clear();
        browser.findElement(By.id("name")).sendKeys(name);
        browser.findElement(By.id("save")).click();
        chromium.until("saved", () -> browser.getCurrentUrl().contains("saved=1"));
    }

    private static boolean named(EmulatorControl wazzup, String name) {
        for (JsonNode c : wazzup.account("demo").get("contacts")) {
            if (name.equals(c.path("name").asText())) {
                return true;
            }
        }
        return false;
    }

    private static void command(OutputStream console, String line) throws java.io.IOException {
        console.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        console.flush();
    }
}
