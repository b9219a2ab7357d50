package dev.crmbridge.wazzup.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.crmbridge.wazzup.api.WazzupConnector;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.spi.CrmSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Slow and hostile senders against the real HTTP stack of a framework (Felix HTTP, Jetty 12, its
 * default thread pool): 300 connections that drip a body to the webhook URL with a wrong secret, 300 that
 * drip one to {@code POST /wazzup/chat/deal} without a session, and 50 that drip an authorised webhook
 * body. Meanwhile a page of the host must keep answering within a second: the connector never holds a
 * host thread for a body it has not accepted, nor for one that arrives slowly.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SlowClientsIT extends WazzupTestSupport {

    private static final String SECRET = "it-slow-webhook-secret-0123456789";
    private static final int REFUSED_SENDERS = 300;
    private static final int AUTHORISED_SENDERS = 50;
    /** Each sender announces this much (under the old 64 KB and 4 KB read-ahead) and drips it. */
    private static final int ANNOUNCED = 4000;

    @Inject
    private ConfigurationAdmin configAdmin;

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final List<Socket> senders = new ArrayList<>();

    @Configuration
    public Option[] config() {
        return OptionUtils.combine(baseConfiguration(), emulator());
    }

    @After
    public void tearDown() throws Exception {
        for (Socket s : senders) {
            try {
                s.close();
            } catch (IOException ignored) {
                // gone already
            }
        }
        unconfigure(configAdmin);
        registrations.forEach(ServiceRegistration::unregister);
    }

    /** The host's own page: answers at once. */
    static final class HostPage extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getWriter().write("host page");
        }
    }

    @Test
    public void hostPagesKeepAnsweringWithinASecondWhileHundredsOfSendersDripBodies() throws Exception {
        ItDirectory crm = ItDirectory.generated(2, 0, 0, 0);
        registrations.add(context.registerService(CrmDirectory.class, crm, null));
        registrations.add(context.registerService(CrmSession.class, new ItSession(crm), null));
        Hashtable<String, Object> page = new Hashtable<>();
        page.put("osgi.http.whiteboard.servlet.pattern", "/host/ping");
        registrations.add(context.registerService(Servlet.class, new HostPage(), page));
        String[] account = EmulatorControl.fromSystemProperty().createAccount();
        configure(configAdmin, Map.of(WazzupConnector.PROPERTY_API_KEY, account[1],
                WazzupConnector.PROPERTY_API_BASE_URL, EmulatorControl.fromSystemProperty().baseUrl(),
                "webhookSecret", SECRET));
        syncStatus();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        URI ping = URI.create("http://127.0.0.1:" + httpPort() + "/host/ping");
        await("the host page and the webhook endpoint", () -> status(http, ping) == 200
                && webhookTest(http) == 200);

        for (int i = 0; i < REFUSED_SENDERS; i++) {
            senders.add(startSender("/wazzup/webhook/wrong-secret", Map.of()));
            senders.add(startSender("/wazzup/chat/deal", Map.of("X-Wazzup-Chat", "1")));
        }
        for (int i = 0; i < AUTHORISED_SENDERS; i++) {
            senders.add(startSender("/wazzup/webhook/" + SECRET, Map.of()));
        }

        // while every sender drips a byte now and then, the host's page is asked twenty times
        long worst = 0;
        for (int round = 0; round < 20; round++) {
            drip();
            long t0 = System.nanoTime();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(ping).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            long millis = Duration.ofNanos(System.nanoTime() - t0).toMillis();
            assertEquals(200, r.statusCode());
            worst = Math.max(worst, millis);
            Thread.sleep(100); // the senders' pace: a byte per round
        }
        System.out.println("SlowClientsIT: " + senders.size() + " slow senders; the host page's slowest answer took "
                + worst + " ms");
        assertTrue("the host page answered within a second at worst, took " + worst + " ms", worst < 1000);

        // the refused senders were answered without their bodies; the webhook still takes a delivery
        int refused = 0;
        for (int i = 0; i < 2 * REFUSED_SENDERS; i++) {
            String head = answerHead(senders.get(i));
            if (head.startsWith("HTTP/1.1 401")) {
                refused++;
            }
        }
        assertEquals("every refused sender got its 401 without sending its body", 2 * REFUSED_SENDERS, refused);
        assertEquals(200, webhookTest(http));
    }

    /** Opens a connection, sends the head of a POST announcing {@value #ANNOUNCED} bytes, and its first byte. */
    private Socket startSender(String path, Map<String, String> headers) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", httpPort()), 5_000);
        s.setSoTimeout(5_000);
        StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + httpPort()
                + "\r\nContent-Type: application/json\r\nContent-Length: " + ANNOUNCED + "\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("\r\n{");
        s.getOutputStream().write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        return s;
    }

    /**
     * One more byte from every sender that has no answer yet (writing on after the server closed would
     * make it reset the connection, and the answer could be lost).
     */
    private void drip() {
        for (Socket s : senders) {
            if (s.isClosed()) {
                continue;
            }
            try {
                if (s.getInputStream().available() > 0) {
                    continue;
                }
                OutputStream out = s.getOutputStream();
                out.write(' ');
                out.flush();
            } catch (IOException closedByServer) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // gone
                }
            }
        }
    }

    /** The status line of the answer a sender got (read with its socket's timeout), or "" for none. */
    private static String answerHead(Socket s) {
        try {
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
                line.append((char) c);
            }
            return line.toString().trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static int status(HttpClient http, URI uri) {
        return statusOf(http, HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build());
    }

    private int webhookTest(HttpClient http) {
        return statusOf(http, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + "/wazzup/webhook/" + SECRET))
                .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"test\":true}")).build());
    }

    /** The answer's status, or 0 when there was none. */
    private static int statusOf(HttpClient http, HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
