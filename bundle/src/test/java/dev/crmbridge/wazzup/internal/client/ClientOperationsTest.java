package dev.crmbridge.wazzup.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.crmbridge.wazzup.emulator.EmulatorOptions;
import dev.crmbridge.wazzup.emulator.model.JournalEntry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Every operation of the client against the emulator, over real HTTP. */
class ClientOperationsTest extends EmulatorClientSupport {

    private static WzContact contact(int i) {
        return new WzContact(String.format("c%05d", i), "u-1", "Client " + i,
                List.of(WzChatHandle.of("whatsapp", String.format("7901%07d", i))), "https://crm.test/contacts/" + i);
    }

    private static List<WzContact> contacts(int from, int to) {
        return IntStream.range(from, to).mapToObj(ClientOperationsTest::contact).toList();
    }

    private List<JournalEntry> requests(String route) {
        return wazzup.journal().entries(route);
    }

    @Test
    void users() {
        client.users().upsert(List.of(new WzUser("u-2", "Zoe", "79261234567"), new WzUser("u-1", "Alex", null)));
        assertThat(client.users().list()).extracting(WzUser::id).containsExactly("u-1", "u-2");
        assertThat(client.users().get("u-2")).contains(new WzUser("u-2", "Zoe", "79261234567"));
        assertThat(client.users().get("nobody")).isEmpty();
        assertThat(client.users().delete("u-2")).isTrue();
        assertThat(client.users().delete("u-2")).isFalse();
        client.users().upsert(List.of(new WzUser("u-3", "Kim", null)));
        assertThat(client.users().bulkDelete(List.of("u-3", "ghost"))).containsExactly("ghost");
        assertThat(account.users()).extracting(u -> u.id()).containsExactly("u-1");
    }

    @Test
    void usersListInThePagedShape() {
        wazzup.options().usersListShape(EmulatorOptions.UsersListShape.PAGED);
        List<WzUser> many = IntStream.range(0, 230).mapToObj(i -> new WzUser("u" + i, String.format("N%03d", i), null)).toList();
        client.users().upsert(many);
        assertThat(client.users().list()).hasSize(230);
        assertThat(requests("GET /v3/users")).hasSize(3);
    }

    @Test
    void aServerThatIgnoresOffsetIsDetectedAndPagingStops() {
        wazzup.options().usersListShape(EmulatorOptions.UsersListShape.PAGED);
        client.users().upsert(IntStream.range(0, 230).mapToObj(i -> new WzUser("u" + i, String.format("N%03d", i), null)).toList());
        client.contacts().upsert(contacts(0, 250));
        wazzup.options().ignoreListOffset(true);
        wazzup.journal().clear();

        Listing<WzContact> contacts = client.contacts().listing();
        assertThat(contacts.complete()).isFalse();
        assertThat(contacts.items()).hasSize(100).extracting(WzContact::id).doesNotHaveDuplicates();
        assertThat(requests("GET /v3/contacts")).as("the first page, and the same again").hasSize(2);
        Listing<WzUser> users = client.users().listing();
        assertThat(users.complete()).isFalse();
        assertThat(users.items()).hasSize(100);
        assertThat(requests("GET /v3/users")).hasSize(2);

        wazzup.options().ignoreListOffset(false);
        assertThat(client.contacts().listing()).satisfies(l -> {
            assertThat(l.complete()).isTrue();
            assertThat(l.items()).hasSize(250);
        });
    }

    @Test
    void anyTwoHundredAnswerToAWriteIsSuccessWhateverItsBody() {
        wazzup.options().oddWriteAnswers(true); // 201 "{ ok }"; bulk delete answers an object
        client.contacts().upsert(contacts(0, 3));
        client.users().upsert(List.of(new WzUser("u-1", "Alex", null)));
        assertThat(account.contacts()).hasSize(3);
        assertThat(client.contacts().bulkDelete(List.of("c00000", "c00001"))).as("no unknown ids known").isEmpty();
        assertThat(account.contacts()).hasSize(1);
    }

    @Test
    void upsertingTwoThousandContactsTakesExactlyTwentyRequests() {
        client.contacts().upsert(contacts(0, 2_000));
        assertThat(requests("POST /v3/contacts")).hasSize(20).allSatisfy(e -> assertThat(e.status()).isEqualTo(200));
        assertThat(account.contacts()).hasSize(2_000);
    }

    @Test
    void duplicateIdsInOneCallAreMergedLastWins() {
        List<WzContact> list = new ArrayList<>(contacts(0, 3));
        list.add(new WzContact("c00001", "u-9", "Renamed", contact(1).contactData(), null));
        client.contacts().upsert(list);
        assertThat(requests("POST /v3/contacts")).hasSize(1).allSatisfy(e -> assertThat(e.status()).isEqualTo(200));
        assertThat(account.contact("c00001").orElseThrow().name()).isEqualTo("Renamed");
    }

    @Test
    void contactsListLazilyByPagesOf100() {
        client.contacts().upsert(contacts(0, 250));
        wazzup.journal().clear();
        var first = client.contacts().list().limit(10).toList();
        assertThat(first).hasSize(10);
        assertThat(requests("GET /v3/contacts")).as("only the first page was read").hasSize(1);
        assertThat(client.contacts().list().map(WzContact::id).toList()).hasSize(250).isSorted();
        assertThat(requests("GET /v3/contacts")).extracting(JournalEntry::query)
                .containsExactly("offset=0", "offset=0", "offset=100", "offset=200");
        assertThat(client.contacts().list().filter(c -> c.id().equals("c00042")).findFirst()).get()
                .isEqualTo(contact(42));
    }

    @Test
    void contactGetDeleteAndBulkDelete() {
        client.contacts().upsert(contacts(0, 150));
        assertThat(client.contacts().get("c00007")).contains(contact(7));
        assertThat(client.contacts().get("zzz")).isEmpty();
        assertThat(client.contacts().delete("c00007")).isTrue();
        List<String> ids = new ArrayList<>(contacts(0, 150).stream().map(WzContact::id).toList());
        ids.add("ghost");
        assertThat(client.contacts().bulkDelete(ids)).containsExactlyInAnyOrder("c00007", "ghost");
        assertThat(requests("PATCH /v3/contacts/bulk_delete")).hasSize(2);
        assertThat(account.contacts()).isEmpty();
    }

    @Test
    void rejectedContactNamesItsIndexAndId() {
        List<WzContact> list = new ArrayList<>(contacts(0, 120));
        list.set(110, new WzContact("c00110", "u-1", "Bad", List.of(WzChatHandle.of("whatsapp", "+7 901")), null));
        assertThatThrownBy(() -> client.contacts().upsert(list)).isInstanceOfSatisfying(InvalidDataException.class, e -> {
            assertThat(e.itemErrors()).containsExactly(new ItemError(110, "c00110", List.of("contactData[0].chatId")));
            assertThat(e.status()).isEqualTo(400);
        });
        assertThat(account.contacts()).as("the first batch went through").hasSize(100);
    }

    @Test
    void deals() {
        client.contacts().upsert(contacts(0, 2));
        WzDeal deal = new WzDeal("d1", "u-1", "Sofa", List.of("c00000", "c00001"), "https://crm.test/deals/1", false);
        client.deals().upsert(List.of(deal, new WzDeal("d2", "u-1", "Closed one", List.of("c00000"), "https://crm.test/deals/2", true)));
        assertThat(client.deals().get("d1")).contains(deal);
        assertThat(client.deals().list().toList()).extracting(WzDeal::closed).containsExactly(false, true);
        assertThat(client.deals().delete("d2")).isTrue();
        assertThat(client.deals().bulkDelete(List.of("d1", "d2"))).containsExactly("d2");
        assertThatThrownBy(() -> client.deals().upsert(List.of(new WzDeal("d3", "u-1", "x", List.of("unknown"), "https://x", false))))
                .isInstanceOf(InvalidDataException.class);
    }

    @Test
    void pipelinesWithoutStagesOmitTheField() {
        client.pipelines().upload(List.of(
                new WzPipeline("p1", "Sales", List.of(new WzStage("s1", "New"), new WzStage("s2", "Won"))),
                new WzPipeline("p2", "Support", List.of())));
        assertThat(requests("POST /v3/pipelines").get(0).body()).doesNotContain("[]");
        assertThat(client.pipelines().list()).containsExactly(
                new WzPipeline("p1", "Sales", List.of(new WzStage("s1", "New"), new WzStage("s2", "Won"))),
                new WzPipeline("p2", "Support", null));
    }

    @Test
    void aChatWindowUrlThatIsNotHttpsIsNeverTaken() {
        for (String bad : List.of("javascript:alert(document.cookie)", "data:text/html,<script>x</script>",
                "http://evil.example/chat", "//evil.example/chat", "/relative/chat", "ftp://x.example/")) {
            wazzup.faults().next("POST /v3/iframe", dev.crmbridge.wazzup.emulator.Fault.status(200,
                    "{\"url\":\"" + bad + "\"}"));
            assertThatThrownBy(() -> client.chatWindows().open(ChatWindowRequest.global(new ChatWindowRequest.User("u-1",
                    "Alex"), null))).as(bad).isInstanceOf(WazzupException.class);
        }
        assertThat(ChatWindowApi.safe(URI.create("https://app.wazzup24.com/chat?x=1"), URI.create("https://api.wazzup24.com")))
                .isTrue();
        assertThat(ChatWindowApi.safe(URI.create("http://app.wazzup24.com/chat"), URI.create("https://api.wazzup24.com")))
                .as("http to a Wazzup over https").isFalse();
    }

    @Test
    void chatWindowAndCounter() {
        client.users().upsert(List.of(new WzUser("u-1", "Alex", null)));
        client.contacts().upsert(contacts(0, 1));
        URI url = client.chatWindows().open(ChatWindowRequest.card(new ChatWindowRequest.User("u-1", "Alex"),
                List.of(new ChatWindowRequest.Chat("whatsapp", "79010000000", "Client 0", null, null, null)),
                new ChatWindowRequest.Options("osgi-crm", true, null)));
        assertThat(url.toString()).startsWith(wazzup.baseUrl() + "/__emulator/chat/");
        String token = url.getPath().substring(url.getPath().lastIndexOf('/') + 1);
        assertThat(wazzup.iframeSession(token)).get().satisfies(s -> {
            assertThat(s.scope()).isEqualTo("card");
            assertThat(s.activeChat().chatId()).isEqualTo("79010000000");
            assertThat(s.useDealsEvents()).isTrue();
        });
        assertThat(client.chatWindows().open(ChatWindowRequest.global(new ChatWindowRequest.User("u-1", "Alex"), null)))
                .isNotNull();

        assertThat(client.unanswered().get("u-1")).isEqualTo(UnansweredCounter.ZERO);
        account.customerWrites("whatsapp", "79010000000", "hello?");
        UnansweredCounter counter = client.unanswered().get("u-1");
        assertThat(counter.count()).isEqualTo(1);
        assertThat(counter.red()).isTrue();
        assertThat(counter.lastMessageAt()).isNotNull();
    }

    @Test
    void webhooksSetAndGetInBothShapes() throws IOException {
        HttpServer crm = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        crm.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(ex.getRequestURI().getPath().endsWith("/broken") ? 500 : 200, -1);
            ex.close();
        });
        crm.start();
        try {
            String uri = "http://127.0.0.1:" + crm.getAddress().getPort() + "/wazzup/webhook/s3cr3t";
            client.webhooks().set(new WebhookSettings(uri, true, true, false, true));
            assertThat(client.webhooks().get()).isEqualTo(new WebhookSettings(uri, true, true, false, true));
            wazzup.options().liveShapes(true);
            assertThat(client.webhooks().get()).isEqualTo(new WebhookSettings(uri, true, true, false, true));

            assertThatThrownBy(() -> client.webhooks().set(new WebhookSettings(uri + "/broken", true, true, true, true)))
                    .isInstanceOfSatisfying(InvalidDataException.class,
                            e -> assertThat(e.is(ErrorCodes.TEST_POST_NOT_PASSED)).isTrue());
            assertThatThrownBy(() -> client.webhooks().set(new WebhookSettings("not a uri", true, true, true, true)))
                    .isInstanceOfSatisfying(InvalidDataException.class, e -> assertThat(e.is(ErrorCodes.URI_NOT_VALID)).isTrue());
            assertThat(new WebhookSettings(uri, true, true, false, true).toString()).doesNotContain("s3cr3t");
        } finally {
            crm.stop(0);
        }
    }

    @Test
    void channelsAndMessages() {
        List<WzChannel> channels = client.channels().list();
        assertThat(channels).extracting(WzChannel::transport).containsExactly("whatsapp", "tgapi", "instagram", "wapi");
        assertThat(channels).allMatch(WzChannel::active);
        SentMessage sent = client.messages().send(SendMessage.text(channels.get(0).channelId(), "whatsapp", "79011112233", "Hello"));
        assertThat(sent.messageId()).isNotBlank();
        assertThat(sent.chatId()).isEqualTo("79011112233");
        assertThat(sent.viaDuplicateGuard()).isFalse();
        assertThat(account.chat("whatsapp", "79011112233").orElseThrow().messages().get(0).crmMessageId())
                .isEqualTo(sent.crmMessageId());
    }

    @Test
    void wauthConnectReturnsTheAccountKey() {
        wazzup.marketplace().register("osgi-crm", "https://crm.test/wazzup/connect", "the-secret", account.id());
        String state = wazzup.marketplace().newState("osgi-crm", account.id());
        WazzupClient keyless = WazzupClient.builder().baseUrl(wazzup.baseUrl()).logger(log.logger()).build();
        try {
            assertThat(keyless.wauth().connect(state, "the-secret", "crm-key-1")).isEqualTo(account.apiKey());
            assertThat(account.crmKey()).isEqualTo("crm-key-1");
            assertThatThrownBy(() -> keyless.wauth().connect(state, "the-secret", "crm-key-2"))
                    .isInstanceOfSatisfying(InvalidDataException.class, e -> assertThat(e.is("STATE_ALREADY_USED")).isTrue());
        } finally {
            keyless.close();
        }
        assertThat(URLDecoder.decode(state, StandardCharsets.UTF_8)).isNotBlank();
    }
}
