package dev.crmbridge.wazzup.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import dev.crmbridge.wazzup.emulator.WazzupEmulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.Test;

/**
 * A JVM killed right after answering 200 to a {@code messages} webhook still posts the event: the
 * notification was on disk before the 200. The first run has the event API but no EventAdmin, so the
 * event cannot be posted before the kill; the second run has EventAdmin and posts it.
 */
public class WebhookKillIT {

    private static final String SECRET = "child-webhook-secret-0123456789";

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
    public void theEventOfAnAcceptedWebhookIsPostedAfterAKill() throws Exception {
        wazzup = WazzupEmulator.builder().start();
        Path work = Files.createTempDirectory(Path.of("target"), "webhook-kill-");
        String host = ChildFrameworks.hostBundle(work.resolve("host.jar"), "dev.crmbridge.wazzup.itests.webhookhost",
                WebhookChildActivator.class, "dev.crmbridge.wazzup.api,dev.crmbridge.wazzup.api.model,"
                        + "dev.crmbridge.wazzup.api.spi,dev.crmbridge.wazzup.api.event,org.osgi.framework,"
                        + "org.osgi.service.cm,org.osgi.service.event,org.osgi.util.tracker",
                ItDirectory.class, CountFile.class);
        int port = WazzupTestSupport.freePort();
        Map<String, String> props = Map.of("org.osgi.service.http.port", Integer.toString(port),
                "org.apache.felix.http.host", "127.0.0.1", "wazzup.child.emulator", wazzup.baseUrl().toString(),
                "wazzup.child.secret", SECRET);

        List<String> first = new ArrayList<>(ChildFrameworks.bundles(ChildFrameworks.concat(ChildFrameworks.CORE,
                ChildFrameworks.EVENT_API_ONLY, ChildFrameworks.HTTP)));
        first.addAll(ChildFrameworks.ours());
        first.add(host);
        Path log1 = work.resolve("child-1.log");
        child = ChildFrameworks.start(work.resolve("felix-cache"), props, first, log1);
        HttpClient http = HttpClient.newHttpClient();
        URI hook = URI.create("http://127.0.0.1:" + port + "/wazzup/webhook/" + SECRET);
        WazzupTestSupport.await("the webhook servlet", Duration.ofSeconds(60), () -> alive()
                && status(http, hook, "{\"test\": true}") == 200);

        String messageId = "kill-" + System.nanoTime();
        int answer = status(http, hook, "{\"messages\":[{\"messageId\":\"" + messageId + "\",\"chatType\":\"whatsapp\","
                + "\"chatId\":\"79011112233\",\"isEcho\":false,\"type\":\"text\",\"text\":\"hello\",\"status\":\"inbound\"}]}");
        assertEquals(200, answer);
        child.destroyForcibly().waitFor();
        assertFalse("not posted before the kill", Files.readString(log1).contains("EVENT " + messageId));

        List<String> second = new ArrayList<>(ChildFrameworks.bundles(ChildFrameworks.concat(ChildFrameworks.CORE,
                ChildFrameworks.EVENT_API_ONLY, ChildFrameworks.EVENT_ADMIN, ChildFrameworks.HTTP)));
        second.addAll(ChildFrameworks.ours());
        second.add(host);
        Path log2 = work.resolve("child-2.log");
        child = ChildFrameworks.start(work.resolve("felix-cache"), props, second, log2);
        WazzupTestSupport.await("the event after the restart", Duration.ofSeconds(60),
                () -> alive() && Files.readString(log2).contains("EVENT " + messageId));
        System.out.println("the event of message " + messageId + " was posted after the restart");
    }

    private boolean alive() {
        if (!child.isAlive()) {
            throw new AssertionError("the child framework exited with " + child.exitValue() + ": see target/webhook-kill-*/");
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
