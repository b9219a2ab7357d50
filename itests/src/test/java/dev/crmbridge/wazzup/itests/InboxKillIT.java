package dev.crmbridge.wazzup.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.crmbridge.wazzup.emulator.WazzupEmulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.After;
import org.junit.Test;

/**
 * A notification leaves the inbox only once its event was delivered: webhooks answered 200 whose events
 * still wait behind a slow host handler survive a SIGKILL. The child framework has a host handler that
 * takes 40 ms per event; after 200 of 500 events it is killed; started again (with a quick handler), it
 * delivers every event that was not delivered before (at least once: those of the last 50 ms before the
 * kill may come twice).
 */
public class InboxKillIT {

    private static final String SECRET = "inbox-kill-secret-0123456789";
    private static final int MESSAGES = 500;

    private WazzupEmulator wazzup;
    private Process child;

    @After
    public void tearDown() {
        if (child != null) {
            child.destroyForcibly();
        }
        if (wazzup != null) {
            wazzup.close();
        }
    }

    @Test
    public void eventsQueuedBehindASlowHandlerAreDeliveredAfterAKill() throws Exception {
        wazzup = WazzupEmulator.builder().start();
        Path work = Files.createTempDirectory(Path.of("target"), "inbox-kill-");
        String host = ChildFrameworks.hostBundle(work.resolve("host.jar"), "dev.crmbridge.wazzup.itests.webhookhost",
                WebhookChildActivator.class, "dev.crmbridge.wazzup.api,dev.crmbridge.wazzup.api.model,"
                        + "dev.crmbridge.wazzup.api.spi,dev.crmbridge.wazzup.api.event,org.osgi.framework,"
                        + "org.osgi.service.cm,org.osgi.service.event,org.osgi.util.tracker",
                ItDirectory.class, CountFile.class);
        int port = WazzupTestSupport.freePort();
        Map<String, String> props = new HashMap<>(Map.of("wazzup.child.emulator", wazzup.baseUrl().toString(),
                "wazzup.child.secret", SECRET, "wazzup.child.slowMillis", "40"));
        Files.createDirectories(work.resolve("run-1"));
        child = ChildFrameworks.startWithHttp(work.resolve("run-1"), host, port, props);
        Path log1 = work.resolve("run-1").resolve("child.log");
        // both runs share one framework storage, so that the second finds the first one's inbox
        HttpClient http = HttpClient.newHttpClient();
        URI hook = URI.create("http://127.0.0.1:" + port + "/wazzup/webhook/" + SECRET);
        WazzupTestSupport.await("the webhook servlet", Duration.ofSeconds(60), () -> alive()
                && status(http, hook, "{\"test\": true}") == 200);
        Set<String> sent = new TreeSet<>();
        String run = Long.toString(System.nanoTime());
        for (int i = 0; i < MESSAGES; i++) {
            String id = "kill-" + run + "-" + i;
            assertEquals(200, status(http, hook, "{\"messages\":[{\"messageId\":\"" + id + "\",\"chatType\":\"whatsapp\","
                    + "\"chatId\":\"79011112233\",\"isEcho\":false,\"type\":\"text\",\"text\":\"hello " + i + "\","
                    + "\"status\":\"inbound\"}]}"));
            sent.add(id);
        }
        WazzupTestSupport.await("200 events delivered", Duration.ofSeconds(60), () -> alive() && delivered(log1).size() >= 200);
        child.destroyForcibly().waitFor();
        Set<String> before = delivered(log1);
        System.out.printf("killed after %d of %d events%n", before.size(), MESSAGES);
        assertTrue("killed while events were still queued: " + before.size(), before.size() < MESSAGES);

        props.put("wazzup.child.slowMillis", "0");
        child = ChildFrameworks.start(work.resolve("run-1").resolve("felix-cache"), withHttp(props, port), bundles(host),
                work.resolve("child-2.log"));
        Path log2 = work.resolve("child-2.log");
        WazzupTestSupport.await("every event after the restart", Duration.ofSeconds(90), () -> {
            alive();
            Set<String> all = new TreeSet<>(before);
            all.addAll(delivered(log2));
            return all.containsAll(sent);
        });
        Set<String> after = delivered(log2);
        Set<String> twice = new TreeSet<>(before);
        twice.retainAll(after);
        System.out.printf("after the restart: %d more events; %d delivered twice (at least once)%n", after.size(), twice.size());
        assertTrue("only the events of the last moments before the kill come twice: " + twice, twice.size() <= 5);
    }

    private static Map<String, String> withHttp(Map<String, String> props, int port) {
        Map<String, String> all = new HashMap<>(props);
        all.put("org.osgi.service.http.port", Integer.toString(port));
        all.put("org.apache.felix.http.host", "127.0.0.1");
        return all;
    }

    private static List<String> bundles(String host) throws Exception {
        List<String> bundles = new ArrayList<>(ChildFrameworks.bundles(ChildFrameworks.concat(ChildFrameworks.CORE,
                ChildFrameworks.EVENT_ADMIN, ChildFrameworks.HTTP)));
        bundles.addAll(ChildFrameworks.ours());
        bundles.add(host);
        return bundles;
    }

    private static Set<String> delivered(Path log) throws Exception {
        Set<String> out = new TreeSet<>();
        if (Files.exists(log)) {
            for (String line : Files.readAllLines(log)) {
                if (line.startsWith("EVENT ")) {
                    out.add(line.substring(6).trim());
                }
            }
        }
        return out;
    }

    private boolean alive() {
        if (!child.isAlive()) {
            throw new AssertionError("the child framework exited with " + child.exitValue() + ": see target/inbox-kill-*/");
        }
        return true;
    }

    private static int status(HttpClient http, URI uri, String body) {
        try {
            return http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
