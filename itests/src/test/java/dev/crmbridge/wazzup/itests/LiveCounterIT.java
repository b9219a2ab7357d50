package dev.crmbridge.wazzup.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crmbridge.wazzup.api.WazzupConnector;
import dev.crmbridge.wazzup.api.chat.CounterStreams;
import dev.crmbridge.wazzup.api.chat.UnansweredCounters;
import dev.crmbridge.wazzup.api.message.Messages;
import dev.crmbridge.wazzup.api.message.OutgoingMessage;
import dev.crmbridge.wazzup.api.model.ChatHandle;
import dev.crmbridge.wazzup.api.model.CrmContact;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.spi.CrmSession;
import dev.crmbridge.wazzup.api.sync.SyncStatus;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.inject.Inject;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The live unanswered counter's stream ({@code /wazzup/chat/stream}) in a real framework, over real
 * sockets, against the emulator: what a burst of customers' messages costs in counter requests, what
 * streams without a session and 1,000 streams dropped at once leave behind.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LiveCounterIT extends WazzupTestSupport {

    private static final String STREAM = "/wazzup/chat/stream";
    private static final String SECRET = "it-live-counter-secret-0123456789";
    private static final int MANAGERS = 5;
    private static final int CHATS = 20;

    @Inject
    private ConfigurationAdmin configAdmin;

    private EmulatorControl wazzup;
    private ItDirectory crm;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final List<SseClient> streams = new ArrayList<>();
    private String accountId;

    @Configuration
    public Option[] config() {
        return OptionUtils.combine(baseConfiguration(), emulator());
    }

    @Before
    public void setUp() {
        wazzup = EmulatorControl.fromSystemProperty();
        crm = ItDirectory.generated(50, 0, 0, 0);
        for (int i = 0; i < CHATS; i++) { // 20 chats, 4 for each of the first 5 managers
            String id = "c-live-" + i;
            crm.contacts.put(id, new CrmContact(id, "u" + (i % MANAGERS), "Client " + i,
                    List.of(ChatHandle.whatsapp(phone(i))), "https://crm.example.com/contacts/" + id));
        }
        registrations.add(context.registerService(CrmDirectory.class, crm, null));
        registrations.add(context.registerService(CrmSession.class, new ItSession(crm), null));
    }

    @After
    public void tearDown() throws Exception {
        streams.forEach(SseClient::close);
        unconfigure(configAdmin);
        registrations.forEach(ServiceRegistration::unregister);
    }

    private static String phone(int i) {
        return "7905" + String.format("%07d", i);
    }

    private void connect(Map<String, Object> more) throws Exception {
        String[] account = wazzup.createAccount();
        accountId = account[0];
        Map<String, Object> props = new HashMap<>(Map.of(WazzupConnector.PROPERTY_API_KEY, account[1],
                WazzupConnector.PROPERTY_API_BASE_URL, wazzup.baseUrl(), "webhookSecret", SECRET, "batchDelayMillis", 50,
                "publicBaseUrl", "http://127.0.0.1:" + httpPort(), "counterPollSeconds", 3600));
        props.putAll(more);
        configure(configAdmin, props);
        SyncStatus status = syncStatus();
        await("synced and subscribed", Duration.ofSeconds(30), () -> status.initialSyncComplete()
                && status.webhooks().subscribed() && wazzup.account(accountId).get("contacts").size() == CHATS);
    }

    private SseClient open(String user) throws Exception {
        SseClient s = new SseClient(httpPort(), STREAM, user);
        streams.add(s);
        return s;
    }

    private int wazzupCount(String user) {
        return wazzup.send("GET", "/__emulator/accounts/" + accountId + "/unanswered/" + user, null).path("counterV2").asInt();
    }

    private CounterStreams figures() {
        ServiceReference<UnansweredCounters> ref = context.getServiceReference(UnansweredCounters.class);
        return context.getService(ref).streams();
    }

    @Test
    public void aStreamWithoutASessionGets401AndWithStreamingOff404() throws Exception {
        connect(Map.of());
        SseClient anonymous = open(null);
        assertEquals(401, anonymous.status);
        SseClient unknown = open("u-nobody");
        assertEquals(401, unknown.status);
        SseClient ok = open("u1").listen();
        assertEquals(200, ok.status);
        assertTrue(ok.contentType, ok.contentType.startsWith("text/event-stream"));
        await("the first counter", Duration.ofSeconds(10), () -> ok.count() == 0);

        unconfigure(configAdmin);
        connect(Map.of("counterStream", false));
        assertEquals("streaming off: the page polls", 404, open("u1").status);
        assertFalse(figures().enabled());
    }

    @Test
    public void aReplySentByTheCrmWithClearUnansweredBringsTheLiveCounterDown() throws Exception {
        connect(Map.of());
        SseClient page = open("u0").listen();
        await("the first counter", Duration.ofSeconds(10), () -> page.count() == 0);
        wazzup.send("POST", "/__emulator/accounts/" + accountId + "/customer-message", EmulatorControl.json(Map.of(
                "chatType", "whatsapp", "chatId", phone(0), "text", "Hello?")));
        await("the customer's message counted", Duration.ofSeconds(10), () -> page.count() == 1);
        ServiceReference<Messages> ref = context.getServiceReference(Messages.class);
        String id = context.getService(ref).send(OutgoingMessage.toContact("c-live-0").text("Hello! How can I help?")
                .author("u0").clearUnanswered(true).build());
        long t0 = System.nanoTime();
        // Wazzup may not echo an API send by webhook: the connector refreshes the chat's counters itself
        await("the reply counted", Duration.ofSeconds(10), () -> page.count() == 0);
        System.out.printf("[LiveCounterIT] a CRM reply (%s) brought the live counter down after %d ms%n", id,
                (System.nanoTime() - t0) / 1_000_000);
    }

    /** Acceptance 3: 1,000 customers' messages to 20 chats of 5 managers, with 50 streams open. */
    @Test
    public void aBurstOfAThousandMessagesCostsAtMostOneFetchPerUserPerWindow() throws Exception {
        connect(Map.of("counterStreamGreySeconds", 5));
        Map<String, String> roles = new HashMap<>();
        for (int u = 10; u < 20; u++) {
            roles.put("u" + u, u < 15 ? "SUPERVISOR" : "QUALITY_CONTROL");
        }
        wazzup.send("PUT", "/__emulator/accounts/" + accountId + "/settings", EmulatorControl.json(Map.of("roles", roles)));
        List<String> users = new ArrayList<>();
        for (int u = 0; u < MANAGERS; u++) {
            for (int tab = 0; tab < 8; tab++) {
                open("u" + u).listen(); // 8 tabs of each manager
            }
            users.add("u" + u);
        }
        for (int u = 10; u < 20; u++) {
            open("u" + u).listen(); // one tab of each supervisor or quality controller
            users.add("u" + u);
        }
        assertEquals(50, streams.size());
        await("every stream's first counter", Duration.ofSeconds(20), () -> streams.stream().allMatch(s -> s.count() == 0));
        await("50 streams of 15 users", Duration.ofSeconds(5), () -> figures().streams() == 50 && figures().users() == 15);

        Instant burst = Instant.now();
        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<Future<?>> sent = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            int chat = i % CHATS;
            int n = i;
            sent.add(pool.submit(() -> wazzup.send("POST", "/__emulator/accounts/" + accountId + "/customer-message",
                    EmulatorControl.json(Map.of("chatType", "whatsapp", "chatId", phone(chat), "text", "Message " + n)))));
        }
        for (Future<?> f : sent) {
            f.get();
        }
        pool.shutdown();
        long burstMillis = Duration.between(burst, Instant.now()).toMillis();
        // every stream ends on Wazzup's own numbers: 50 per manager (red), 1,000 for each supervisor (grey)
        Map<String, Integer> expected = new TreeMap<>();
        for (String u : users) {
            expected.put(u, wazzupCount(u));
        }
        assertEquals("4 chats of 50 messages", 200, (int) expected.get("u0"));
        assertEquals(1_000, (int) expected.get("u10"));
        await("every stream shows Wazzup's counter", Duration.ofSeconds(30),
                () -> streams.stream().allMatch(s -> s.count() == expected.get(s.user)));
        long settled = Duration.between(burst, Instant.now()).toMillis();

        Map<String, List<Instant>> fetches = new TreeMap<>();
        for (JsonNode e : wazzup.journal(accountId, "GET /v3/unanswered/{userId}")) {
            Instant at = Instant.parse(e.path("time").asText());
            if (!at.isBefore(burst)) {
                String path = e.path("path").asText();
                fetches.computeIfAbsent(path.substring(path.lastIndexOf('/') + 1), k -> new ArrayList<>()).add(at);
            }
        }
        int total = fetches.values().stream().mapToInt(List::size).sum();
        System.out.printf("[LiveCounterIT] 1,000 messages to %d chats in %d ms; every stream right after %d ms; %d counter"
                + " fetches: %s%n", CHATS, burstMillis, settled, total, counts(fetches));
        assertEquals("only users with streams are asked for", new java.util.TreeSet<>(users), fetches.keySet());
        for (Map.Entry<String, List<Instant>> f : fetches.entrySet()) {
            boolean manager = Integer.parseInt(f.getKey().substring(1)) < MANAGERS;
            long window = manager ? 1_000 : 5_000; // a manager's own chats: at once; others' together, every 5 s
            List<Instant> at = f.getValue();
            for (int i = 1; i < at.size(); i++) {
                long gap = Duration.between(at.get(i - 1), at.get(i)).toMillis();
                // the journal's clock is the emulator's; requests leave at least the window apart; allow 150 ms of
                // travel and scheduling (the Pax Exam ITs run two JVMs at once on two cores: 59 ms was seen)
                assertTrue(f.getKey() + "'s fetches " + gap + " ms apart: " + at, gap >= window - 150);
            }
            assertTrue(f.getKey() + ": at most one fetch per window over " + settled + " ms: " + at.size(),
                    at.size() <= settled / window + 2);
        }
        // and the pages were sent a counter only when it changed: never more events than fetches per stream
        for (SseClient s : streams) {
            assertTrue(s.user + " was sent " + s.counters.size() + " counters for " + fetches.get(s.user).size()
                    + " fetches", s.counters.size() <= fetches.get(s.user).size() + 1);
        }
    }

    private static Map<String, Integer> counts(Map<String, List<Instant>> fetches) {
        Map<String, Integer> out = new TreeMap<>();
        fetches.forEach((k, v) -> out.put(k, v.size()));
        return out;
    }

    /** Acceptance 5: a thousand streams opened and dropped at once leave no stream, thread or heap behind. */
    @Test
    public void aThousandStreamsOpenedAndDroppedAtOnceLeakNothing() throws Exception {
        connect(Map.of("counterStreamHeartbeatSeconds", 1));
        // warm: one stream of each user, closed, so that caches and pools hold what they hold in use
        for (int u = 0; u < 50; u++) {
            open("u" + u).listen();
        }
        await("50 counters", Duration.ofSeconds(20), () -> streams.stream().allMatch(s -> s.count() == 0));
        streams.forEach(SseClient::close);
        await("no stream", Duration.ofSeconds(20), () -> figures().streams() == 0
                && streams.stream().allMatch(SseClient::ended));
        streams.clear();
        long heapBefore = usedHeapAfterGc();
        int threadsBefore = threads();
        List<String> busyBefore = busyThreads();

        List<SseClient> opened = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(50);
        List<Future<SseClient>> opening = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            String user = "u" + (i % 50); // 20 each: the most one user may hold
            opening.add(pool.submit(() -> new SseClient(httpPort(), STREAM, user)));
        }
        for (Future<SseClient> f : opening) {
            SseClient s = f.get();
            opened.add(s);
            streams.add(s);
            assertEquals(200, s.status);
        }
        pool.shutdown();
        assertTrue("the test's openers ended", pool.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS));
        await("1,000 streams held", Duration.ofSeconds(20), () -> figures().streams() == 1_000);
        long heapOpen = usedHeapAfterGc();
        int threadsOpen = threads();
        List<String> busyOpen = busyThreads();
        SseClient over = open("u0");
        assertEquals("a 21st stream of one user is refused: it polls", 429, over.status);

        // all at once: half closed as tabs close, half reset as by killed browsers
        for (int i = 0; i < opened.size(); i++) {
            if (i % 2 == 0) {
                opened.get(i).close();
            } else {
                opened.get(i).reset();
            }
        }
        long t0 = System.nanoTime();
        await("every dropped stream noticed and released", Duration.ofSeconds(30), () -> figures().streams() == 0
                && figures().users() == 0);
        long noticedMillis = (System.nanoTime() - t0) / 1_000_000;
        long heapAfter = await("the heap back", Duration.ofSeconds(30), () -> {
            long h = usedHeapAfterGc();
            return h - heapBefore < 2 << 20 ? h : null;
        });
        int busyAfter = await("the threads in use back", Duration.ofSeconds(20), () -> {
            int t = busyThreads().size();
            return t <= busyBefore.size() + 2 ? t : null;
        });
        int threadsAfter = threads();
        System.out.printf("[LiveCounterIT] 1,000 streams: heap %d KB before, %d KB open (%d bytes a stream), %d KB after;"
                + " threads in use %d before, %d open, %d after (in all %d, %d, %d: the HTTP server's pool keeps idle"
                + " threads it grew until its idle timeout); dropped streams (half closed, half reset) released within %d ms (heartbeat 1 s)%n",
                heapBefore >> 10, heapOpen >> 10, (heapOpen - heapBefore) / 1_000, heapAfter >> 10, busyBefore.size(),
                busyOpen.size(), busyAfter, threadsBefore, threadsOpen, threadsAfter, noticedMillis);
        List<String> extra = new ArrayList<>(busyOpen);
        busyBefore.forEach(extra::remove);
        assertTrue("no thread held per stream: " + extra, extra.size() <= 5);
    }

    private static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /** The names of threads not parked idle in a pool (Jetty's, the JDK's): those something holds. */
    private static List<String> busyThreads() {
        List<String> out = new ArrayList<>();
        for (java.lang.management.ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
            String stack = java.util.Arrays.toString(t.getStackTrace());
            if (!stack.contains("idleJobPoll") && !stack.contains("ReservedThread") && !stack.contains("ThreadPoolExecutor.getTask")
                    && !t.getThreadName().startsWith("surefire")) { // the test runner's own
                out.add(t.getThreadName());
            }
        }
        return out;
    }

    private static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
