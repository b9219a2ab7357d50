package dev.crmbridge.wazzup.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crmbridge.wazzup.emulator.Fault;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drives every error path of the client with all logging captured (every level on, and stdout and
 * stderr) and asserts that no secret appears in a log line, an exception's message, its
 * {@code toString}, its stack trace or its causes.
 */
class SecretsNeverLeakTest extends EmulatorClientSupport {

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private PrintStream out;
    private PrintStream err;
    private final List<Throwable> thrown = new ArrayList<>();

    @BeforeEach
    void captureConsole() {
        out = System.out;
        err = System.err;
        PrintStream capture = new PrintStream(console, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
    }

    @AfterEach
    void restoreConsole() {
        System.setOut(out);
        System.setErr(err);
    }

    private void attempt(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            thrown.add(e);
        }
    }

    @Test
    void noSecretInAnyLogLineOrException() {
        String key = account.apiKey();
        String wrongKey = "wrong-" + key.substring(6);
        String sidecar = "sidecar-0b1c8e5a77";
        String secret = "wauth-secret-93f0";
        String crmKey = "crm-key-5e2a91";
        String urlSecret = "url-secret-77ab";
        account.sidecarKey(sidecar);
        wazzup.marketplace().register("osgi-crm", "https://crm.test/connect", secret, account.id());
        WzContact c = new WzContact("c-1", "u-1", "Anna", List.of(WzChatHandle.of("whatsapp", "79011112233")), null);
        String channel = account.channelFor("whatsapp").orElseThrow().channelId();

        WazzupClient quick = builder().retryPolicy(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(1)))
                .responseTimeout(Duration.ofMillis(200)).rateBudget(450, Duration.ofMillis(50)).build();
        WazzupClient wrong = builder().apiKey(wrongKey).build();
        WazzupClient side = builder().apiKey(sidecar).build();
        WazzupClient keyless = builder().apiKey(null).build();
        WazzupClient nowhere = builder().baseUrl(URI.create("http://127.0.0.1:1"))
                .retryPolicy(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(1))).build();
        try {
            attempt(() -> wrong.channels().list());                                   // 401
            attempt(() -> side.contacts().upsert(List.of(c)));                        // 403
            attempt(() -> quick.contacts().upsert(List.of(new WzContact("c-2", "u", "", List.of(), null)))); // 400
            attempt(() -> quick.deals().get("missing"));                              // 404 → empty
            wazzup.faults().next("GET /v3/channels", 2, Fault.status(503));
            attempt(() -> quick.channels().list());                                   // 5xx exhausted
            wazzup.faults().next("GET /v3/channels", 2, Fault.status(429));
            attempt(() -> quick.channels().list());                                   // 429 exhausted
            wazzup.faults().next("GET /v3/users", 2, Fault.drop());
            attempt(() -> quick.users().list());                                      // dropped connection
            wazzup.faults().next("GET /v3/pipelines", 2, Fault.delay(Duration.ofMillis(400)));
            attempt(() -> quick.pipelines().list());                                  // timeouts
            wazzup.faults().next("GET /v3/channels", Fault.status(200, "{\"token\": \"" + key + "\" garbage"));
            attempt(() -> quick.channels().list());                                   // unreadable answer echoing the key
            wazzup.faults().next("GET /v3/channels", Fault.status(502, "proxy error for Bearer " + key));
            wazzup.faults().next("GET /v3/channels", Fault.status(502, "proxy error for Bearer " + key));
            attempt(() -> quick.channels().list());                                   // error body echoing the key
            wazzup.faults().next("POST /v3/message", Fault.loseAnswer());
            attempt(() -> quick.messages().send(SendMessage.text(channel, "whatsapp", "79011112233", "hi"))); // duplicate guard
            attempt(() -> nowhere.channels().list());                                 // refused
            attempt(() -> quick.webhooks().set(new WebhookSettings("http://127.0.0.1:1/wazzup/webhook/" + urlSecret,
                    true, true, true, true)));                                        // testPostNotPassed
            String state = wazzup.marketplace().newState("osgi-crm", account.id());
            attempt(() -> keyless.wauth().connect(state, "not-the-" + secret, crmKey)); // wrong secret
            attempt(() -> keyless.wauth().connect(state, secret, crmKey));              // success: returns the key
            attempt(() -> keyless.wauth().connect(state, secret, crmKey));              // replayed state
            wazzup.faults().next("POST /v3/connect", Fault.status(200, "\"" + key + "\" trailing garbage"));
            attempt(() -> keyless.wauth().connect(wazzup.marketplace().newState("osgi-crm", account.id()), secret, crmKey));
            attempt(() -> keyless.channels().list());                                 // no key configured
        } finally {
            List.of(quick, wrong, side, keyless, nowhere).forEach(WazzupClient::close);
        }

        assertThat(thrown).as("the error paths were exercised").hasSizeGreaterThanOrEqualTo(14);
        assertThat(log.lines()).as("log lines were captured").hasSizeGreaterThan(20);

        List<String> texts = new ArrayList<>(log.lines());
        texts.add(console.toString(StandardCharsets.UTF_8));
        for (Throwable t : thrown) {
            StringWriter trace = new StringWriter();
            t.printStackTrace(new PrintWriter(trace));
            texts.add(trace.toString());
            for (Throwable x = t; x != null; x = x.getCause()) {
                texts.add(String.valueOf(x.getMessage()));
                texts.add(x.toString());
            }
        }
        texts.add(quick.toString());
        for (String secretValue : List.of(key, wrongKey, sidecar, secret, crmKey, urlSecret)) {
            assertThat(texts).as("no text contains %s", secretValue.substring(0, 6) + "…")
                    .noneMatch(text -> text.contains(secretValue));
        }
    }
}
