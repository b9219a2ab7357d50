package dev.crmbridge.wazzup.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crmbridge.wazzup.emulator.Fault;
import dev.crmbridge.wazzup.emulator.model.JournalEntry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client against the emulator's injected faults: outages, rejections, lost connections. */
class ClientFaultsTest extends EmulatorClientSupport {

    private static final WzContact ANNA = new WzContact("c-1", "u-1", "Anna",
            List.of(WzChatHandle.of("whatsapp", "79011112233")), null);

    @Test
    void fiveUnavailableAnswersThenSuccessIsOneCallOfSixAttempts() {
        wazzup.faults().next("POST /v3/contacts", 5, Fault.status(503));
        client.contacts().upsert(List.of(ANNA));
        assertThat(wazzup.journal().entries("POST /v3/contacts")).extracting(JournalEntry::status)
                .containsExactly(503, 503, 503, 503, 503, 200);
        assertThat(account.contact("c-1")).isPresent();
    }

    @Test
    void aRejectionIsNotRetriedAndNamesTheItem() {
        WzContact bad = new WzContact("c-2", "u-1", "", List.of(WzChatHandle.of("whatsapp", "79011112234")), null);
        assertThatThrownBy(() -> client.contacts().upsert(List.of(ANNA, bad)))
                .isInstanceOfSatisfying(InvalidDataException.class, e -> {
                    assertThat(e.itemErrors()).containsExactly(new ItemError(1, "c-2", List.of("name")));
                    assertThat(e.is("INVALID_CONTACTS_DATA")).isTrue();
                });
        assertThat(wazzup.journal().entries("POST /v3/contacts")).hasSize(1);
    }

    @Test
    void aDroppedConnectionOnSendIsRetriedWithTheSameIdAndTheCustomerGetsOneMessage() {
        String channel = account.channelFor("whatsapp").orElseThrow().channelId();
        // the request never reaches the handler
        wazzup.faults().next("POST /v3/message", Fault.drop());
        SentMessage first = client.messages().send(SendMessage.text(channel, "whatsapp", "79011112233", "one"));
        assertThat(first.viaDuplicateGuard()).isFalse();
        // the message is accepted but the answer is lost: the retry meets the duplicate guard
        wazzup.faults().next("POST /v3/message", Fault.loseAnswer());
        SentMessage second = client.messages().send(SendMessage.text(channel, "whatsapp", "79011112233", "two"));
        assertThat(second.viaDuplicateGuard()).isTrue();

        List<JournalEntry> sends = wazzup.journal().entries("POST /v3/message");
        assertThat(sends).hasSize(4);
        assertThat(sends.get(0).body()).isEqualTo(sends.get(1).body());
        assertThat(sends.get(2).body()).isEqualTo(sends.get(3).body()).contains(second.crmMessageId());
        assertThat(account.chat("whatsapp", "79011112233").orElseThrow().messages())
                .extracting(m -> m.text()).containsExactly("one", "two");
    }

    @Test
    void aSlowAnswerTimesOutAndIsRetried() {
        client.close();
        client = builder().responseTimeout(Duration.ofMillis(300)).build();
        wazzup.faults().next("GET /v3/channels", Fault.delay(Duration.ofMillis(1_000)));
        assertThat(client.channels().list()).hasSize(4);
        // the emulator journals the slow request only when it answers, after the retry: read the log
        assertThat(log.lines()).anyMatch(l -> l.startsWith("WARN GET /v3/channels → no answer (SocketTimeoutException); retry 2/8"));
    }

    @Test
    void aRefusedConnectionAfterAllAttemptsIsUnavailable() {
        WazzupClient nowhere = builder().baseUrl(java.net.URI.create("http://127.0.0.1:1"))
                .retryPolicy(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(1))).build();
        try {
            assertThatThrownBy(() -> nowhere.channels().list()).isInstanceOfSatisfying(UnavailableException.class, e -> {
                assertThat(e.status()).isZero();
                assertThat(e.getMessage()).contains("no answer after 3 attempt(s)");
            });
        } finally {
            nowhere.close();
        }
    }

    @Test
    void a429FromSomeoneElseWaitsForTheNextWindow() {
        client.close();
        client = builder().rateBudget(450, Duration.ofMillis(300)).build();
        wazzup.faults().next("GET /v3/channels", Fault.status(429));
        long t0 = System.nanoTime();
        assertThat(client.channels().list()).hasSize(4);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(wazzup.journal().entries("GET /v3/channels")).extracting(JournalEntry::status).containsExactly(429, 200);
    }
}
