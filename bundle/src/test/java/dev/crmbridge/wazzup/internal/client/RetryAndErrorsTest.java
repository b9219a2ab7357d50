package dev.crmbridge.wazzup.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Retries, backoff and error mapping, with a scripted transport and virtual time: nothing sleeps. */
class RetryAndErrorsTest {

    private final ScriptedTransport transport = new ScriptedTransport();
    private final VirtualTime time = new VirtualTime();
    private final CapturingLogger log = new CapturingLogger();

    private WazzupClient client(RetryPolicy policy) {
        return WazzupClient.builder().baseUrl(URI.create("https://api.example.test")).apiKey("k-secret-1")
                .transport(transport).retryPolicy(policy).timeSource(time).random(() -> 0.5)
                .rateLimiters(new RateLimiters(time)).logger(log.logger()).build();
    }

    private static List<WzContact> contacts(int n) {
        return java.util.stream.IntStream.range(0, n).mapToObj(i -> new WzContact("c" + i, "u1", "C" + i,
                List.of(WzChatHandle.of("whatsapp", "7901000" + String.format("%04d", i))), null)).toList();
    }

    @Test
    void fiveServerErrorsThenSuccessIsOneCallOfSixAttempts() {
        transport.answer(5, 503, "").answer(200, "");
        client(RetryPolicy.DEFAULT).contacts().upsert(contacts(1));
        assertThat(transport.sent()).hasSize(6);
        // random 0.5 → factor 0.75 of 500 ms doubling: 375, 750, 1500, 3000, 6000
        assertThat(time.sleeps()).containsExactly(Duration.ofMillis(375), Duration.ofMillis(750),
                Duration.ofMillis(1500), Duration.ofMillis(3000), Duration.ofMillis(6000));
        assertThat(log.lines()).filteredOn(l -> l.startsWith("WARN")).hasSize(5);
    }

    @Test
    void backoffIsCappedAndJittered() {
        RetryPolicy p = new RetryPolicy(20, Duration.ofMillis(100), Duration.ofSeconds(2));
        assertThat(p.backoff(1, 0.0)).isEqualTo(Duration.ofMillis(50));
        assertThat(p.backoff(1, 0.999999)).isLessThanOrEqualTo(Duration.ofMillis(100));
        assertThat(p.backoff(6, 0.0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.backoff(19, 0.999999)).isLessThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(p.backoff(100, 0.0)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void attemptsRunOutIntoUnavailable() {
        transport.answer(3, 502, "{\"error\":\"UNKNOWN_ERROR\",\"description\":\"Bad gateway\"}");
        WazzupClient c = client(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(10)));
        assertThatThrownBy(() -> c.channels().list()).isInstanceOfSatisfying(UnavailableException.class, e -> {
            assertThat(e.status()).isEqualTo(502);
            assertThat(e.errorCode()).isEqualTo("UNKNOWN_ERROR");
            assertThat(e.getMessage()).isEqualTo("GET /v3/channels → 502 UNKNOWN_ERROR: Bad gateway");
        });
        assertThat(transport.sent()).hasSize(3);
    }

    @Test
    void a400IsNotRetriedAndNamesTheItem() {
        transport.answer(400, "{\"error\":\"INVALID_CONTACTS_DATA\",\"description\":\"Contacts data is invalid\","
                + "\"data\":[{\"index\":1,\"fields\":[\"contactData[0].chatId\"]}]}");
        WazzupClient c = client(RetryPolicy.DEFAULT);
        assertThatThrownBy(() -> c.contacts().upsert(contacts(3))).isInstanceOfSatisfying(InvalidDataException.class, e -> {
            assertThat(e.itemErrors()).containsExactly(new ItemError(1, "c1", List.of("contactData[0].chatId")));
            assertThat(e.is("invalidContactsData")).isTrue();
            assertThat(e.getMessage()).contains("item 1 (id c1): [contactData[0].chatId]");
        });
        assertThat(transport.sent()).hasSize(1);
        assertThat(time.sleeps()).isEmpty();
    }

    @Test
    void itemIndexesOfALaterBatchPointIntoTheWholeList() {
        transport.answer(200, "").answer(400, "{\"error\":\"INVALID_CONTACTS_DATA\",\"data\":[{\"index\":5,\"fields\":[\"name\"]}]}");
        WazzupClient c = client(RetryPolicy.DEFAULT);
        assertThatThrownBy(() -> c.contacts().upsert(contacts(150))).isInstanceOfSatisfying(InvalidDataException.class,
                e -> assertThat(e.itemErrors()).containsExactly(new ItemError(105, "c105", List.of("name"))));
    }

    @Test
    void statusCodesMapToWhatTheCallerCanDo() {
        transport.answer(401, "").answer(403, "{\"error\":\"FORBIDDEN\"}").answer(404, "")
                .answer(400, "{\"error\":\"TOO_MANY_ENTITIES\",\"description\":\"Too many\"}")
                .answer(400, "{\"error\":{\"code\":\"INVALID_USER\",\"message\":\"nested\"}}")
                .answer(418, "<html>teapot</html>");
        WazzupClient c = client(RetryPolicy.DEFAULT);
        assertThatThrownBy(() -> c.channels().list()).isInstanceOf(UnauthorizedException.class);
        assertThatThrownBy(() -> c.contacts().list().count()).isInstanceOf(ForbiddenException.class);
        assertThat(c.deals().delete("nope")).isFalse();
        assertThatThrownBy(() -> c.users().upsert(List.of(new WzUser("u", "U", null))))
                .isInstanceOf(TooManyEntitiesException.class);
        assertThatThrownBy(() -> c.chatWindows().open(ChatWindowRequest.global(new ChatWindowRequest.User("u", "U"), null)))
                .isInstanceOfSatisfying(InvalidDataException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("INVALID_USER");
                    assertThat(e.description()).isEqualTo("nested");
                });
        assertThatThrownBy(() -> c.channels().list()).isInstanceOfSatisfying(WazzupException.class,
                e -> assertThat(e.description()).isEqualTo("<html>teapot</html>"));
        assertThat(transport.sent()).hasSize(6);
    }

    @Test
    void connectionErrorsAreRetriedForIdempotentCalls() {
        transport.fail(new SocketTimeoutException("Read timed out")).fail(new ConnectException("refused")).answer(200, "[]");
        assertThat(client(RetryPolicy.DEFAULT).channels().list()).isEmpty();
        assertThat(transport.sent()).hasSize(3);
    }

    @Test
    void aConnectWhoseRequestMayHaveArrivedIsNotRepeated() {
        transport.fail(new SocketTimeoutException("Read timed out"));
        WazzupClient c = client(RetryPolicy.DEFAULT);
        assertThatThrownBy(() -> c.wauth().connect("state", "secret", null)).isInstanceOf(UnavailableException.class);
        assertThat(transport.sent()).hasSize(1);
        // a refused connection never carried the request: that one is repeated
        transport.fail(new ConnectException("refused")).answer(200, "{\"apiKey\":\"new-account-key\"}");
        assertThat(c.wauth().connect("state", "secret", null)).isEqualTo("new-account-key");
        assertThat(transport.sent().get(1).headers()).doesNotContainKey("Authorization");
    }

    @Test
    void aMessageIsRetriedWithTheSameCrmMessageIdAndADuplicateCountsAsSent() {
        transport.fail(new SocketTimeoutException("Read timed out"))
                .answer(400, "{\"status\":400,\"requestId\":\"r1\",\"error\":\"REPEATED_CRM_MESSAGE_ID\","
                        + "\"description\":\"You have already sent message with same crmMessageId\"}");
        SentMessage sent = client(RetryPolicy.DEFAULT).messages().send(SendMessage.text("ch", "whatsapp", "79011112233", "hi"));
        assertThat(sent.viaDuplicateGuard()).isTrue();
        assertThat(sent.crmMessageId()).isNotBlank();
        assertThat(transport.body(0)).isEqualTo(transport.body(1)).contains(sent.crmMessageId());
    }

    @Test
    void aRepeatedCrmMessageIdOnTheFirstAttemptIsTheCallersError() {
        transport.answer(400, "{\"error\":\"REPEATED_CRM_MESSAGE_ID\"}");
        SendMessage m = SendMessage.text("ch", "whatsapp", "79011112233", "hi").withCrmMessageId("mine-1");
        assertThatThrownBy(() -> client(RetryPolicy.DEFAULT).messages().send(m))
                .isInstanceOfSatisfying(InvalidDataException.class, e -> assertThat(e.is(ErrorCodes.REPEATED_CRM_MESSAGE_ID)).isTrue());
    }

    @Test
    void a429WaitsForTheNextWindowThenSucceeds() {
        transport.answer(429, "").answer(200, "[]");
        assertThat(client(RetryPolicy.DEFAULT).channels().list()).isEmpty();
        assertThat(time.slept()).isEqualTo(RateLimiters.WAZZUP_WINDOW.plus(RateLimiter.MARGIN));
        assertThat(log.lines()).anyMatch(l -> l.contains("429 although within our budget"));
    }

    @Test
    void endless429sBecomeRateLimited() {
        transport.answer(3, 429, "");
        WazzupClient c = client(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(1)));
        assertThatThrownBy(() -> c.channels().list()).isInstanceOf(RateLimitedException.class);
    }

    @Test
    void unreadableAnswersFailWithoutQuotingTheBody() {
        transport.answer(200, "{\"url\": 12, oops");
        WazzupClient c = client(RetryPolicy.DEFAULT);
        assertThatThrownBy(() -> c.chatWindows().open(ChatWindowRequest.global(new ChatWindowRequest.User("u", "U"), null)))
                .isInstanceOfSatisfying(WazzupException.class, e -> {
                    assertThat(e.getMessage()).startsWith("POST /v3/iframe → 200: unreadable answer").doesNotContain("oops");
                    assertThat(e.getCause()).isNull();
                });
    }

    @Test
    void aCallWithoutAKeyFailsFast() {
        WazzupClient c = WazzupClient.builder().baseUrl(URI.create("https://x.test")).transport(transport).build();
        assertThatThrownBy(() -> c.channels().list()).isInstanceOf(IllegalStateException.class);
        assertThat(transport.sent()).isEmpty();
    }

    @Test
    void requestsCarryBearerKeyAndJson() throws IOException {
        transport.answer(200, "");
        client(RetryPolicy.DEFAULT).users().upsert(List.of(new WzUser("u-1", "Alex", null)));
        TransportRequest r = transport.sent().get(0);
        assertThat(r.headers()).containsEntry("Authorization", "Bearer k-secret-1")
                .containsEntry("Content-Type", "application/json; charset=utf-8");
        assertThat(r.uri()).hasToString("https://api.example.test/v3/users");
        assertThat(transport.body(0)).isEqualTo("[{\"id\":\"u-1\",\"name\":\"Alex\"}]");
        assertThat(r.toString()).doesNotContain("k-secret-1");
    }

    @Test
    void wazzupsErrorTextsAreMaskedOfEverySecretTheClientWasToldOf() {
        String key = "key-0a1b2c3d4e5f";
        String urlSecret = "url-secret-9f8e7d6c";
        String crmKey = "crm-key-1234abcd";
        TransportResponse answer = new TransportResponse(400, java.util.Map.of(), ("{\"error\":\"testPostNotPassed\","
                + "\"description\":\"https://crm.example.com/wazzup/webhook/" + urlSecret + " answered 401 to Bearer "
                + crmKey + "\",\"data\":{\"uri\":\"https://crm.example.com/wazzup/webhook/" + urlSecret + "\"},"
                + "\"requestId\":\"r-" + key + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Requester.ErrorBody e = Requester.ErrorBody.parse(answer, java.util.List.of(key, urlSecret, crmKey));
        WazzupException ex = e.toException("PATCH /v3/webhooks", 400);
        String all = ex.getMessage() + " " + e.description + " " + e.requestId + " " + e.data;
        for (String secret : java.util.List.of(key, urlSecret, crmKey)) {
            org.assertj.core.api.Assertions.assertThat(all).doesNotContain(secret);
        }
        org.assertj.core.api.Assertions.assertThat(e.description).contains("/wazzup/webhook/***").contains("Bearer ***");
        org.assertj.core.api.Assertions.assertThat(e.data).as("data quoting a secret is dropped").isNull();
    }
}
