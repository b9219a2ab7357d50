package dev.crmbridge.wazzup.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.crmbridge.wazzup.emulator.model.Delivery;
import dev.crmbridge.wazzup.emulator.model.JournalEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A running Wazzup API v3 emulator on loopback. Create one with {@link #builder()}; it serves the REST
 * routes under {@code /v3}, the chat window, the marketplace and the control routes under
 * {@code /__emulator}. Close it to stop.
 *
 * <pre>{@code
 * try (WazzupEmulator wazzup = WazzupEmulator.builder().start()) {
 *     Account account = wazzup.createAccount("acme");
 *     // point the client at wazzup.baseUrl() with account.apiKey()
 * }
 * }</pre>
 */
public final class WazzupEmulator implements AutoCloseable {

    /** Id of the account {@link Builder#demoAccount(boolean)} creates. */
    public static final String DEMO_ACCOUNT_ID = "demo";
    /** API key of the demo account: fixed, so that a demo configuration can name it. */
    public static final String DEMO_API_KEY = "4a0f5e7c2b9d41e8a6c3f0b7d2e9a1c5";

    /** The prefix of the emulator's own routes (simulation, control, pages). */
    public static final String CONTROL_PREFIX = "/__emulator";

    static {
        // The JDK server writes the status line and the body separately; with Nagle's algorithm and the
        // client's delayed ACK every keep-alive answer then waits ~40 ms. Read once, when the first
        // server of the JVM starts, so it is set before any is created.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final EmulatorOptions options;
    private final EmulatorClock clock;
    private final Journal journal;
    private final Faults faults = new Faults();
    private final RateLimiter limiter;
    private final Marketplace marketplace;
    private final StatusProgression statuses;
    private final Router router = new Router();
    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient webhookClient;
    private final URI baseUrl;

    private final Map<String, Account> accountsById = new ConcurrentHashMap<>();
    private final Map<String, Account> accountsByKey = new ConcurrentHashMap<>();
    private final Map<String, Account> accountsBySidecarKey = new ConcurrentHashMap<>();
    private final Map<String, IframeSession> iframeSessions = new ConcurrentHashMap<>();
    /** API requests being handled, per key. */
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final ArrayDeque<Delivery> deliveries = new ArrayDeque<>();
    private final AtomicLong deliverySeq = new AtomicLong();
    private final AtomicInteger accountSeq = new AtomicInteger();

    private WazzupEmulator(Builder b) throws IOException {
        this.options = b.options;
        this.clock = b.clock;
        this.journal = new Journal(options);
        this.limiter = new RateLimiter(options, clock);
        this.marketplace = new Marketplace(clock, options);
        this.statuses = new StatusProgression(clock);
        this.webhookClient = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        new RestApi(this).register(router);
        new ControlApi(this).register(router);
        new MessagesControl(this).register(router);
        new Pages(this).register(router);

        this.server = HttpServer.create(new InetSocketAddress(b.host, b.port), 512);
        AtomicInteger threads = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "wazzup-emulator-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        // unbounded: a webhook delivery holds its thread while the CRM may call back into the API
        this.executor = Executors.newCachedThreadPool(factory);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        String host = b.host.contains(":") ? "[" + b.host + "]" : b.host;
        this.baseUrl = URI.create("http://" + host + ":" + server.getAddress().getPort());
        if (b.demoAccount) {
            createAccount(DEMO_ACCOUNT_ID, DEMO_API_KEY);
        }
    }

    /** A builder: loopback, a free port, the system clock, default options, no accounts. */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures and starts an emulator. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private EmulatorClock clock = EmulatorClock.system();
        private EmulatorOptions options = new EmulatorOptions();
        private boolean demoAccount;

        /** The address to bind, default {@code 127.0.0.1}. */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** The port, default 0 (a free port). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder clock(EmulatorClock clock) {
            this.clock = clock;
            return this;
        }

        public Builder options(EmulatorOptions options) {
            this.options = options;
            return this;
        }

        /** Whether to create the account {@value #DEMO_ACCOUNT_ID} with key {@value #DEMO_API_KEY}. */
        public Builder demoAccount(boolean create) {
            this.demoAccount = create;
            return this;
        }

        public WazzupEmulator start() {
            try {
                return new WazzupEmulator(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the emulator on " + host + ":" + port, e);
            }
        }
    }

    // ------------------------------------------------------------------ public API

    /** The base URL to give the client, e.g. {@code http://127.0.0.1:41234} (no {@code /v3}). */
    public URI baseUrl() {
        return baseUrl;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public EmulatorOptions options() {
        return options;
    }

    public EmulatorClock clock() {
        return clock;
    }

    public Journal journal() {
        return journal;
    }

    public Faults faults() {
        return faults;
    }

    public Marketplace marketplace() {
        return marketplace;
    }

    StatusProgression statuses() {
        return statuses;
    }

    /** A new account with a generated id and API key. */
    public Account createAccount() {
        return createAccount("acc-" + accountSeq.incrementAndGet(), Ids.hex32());
    }

    /** A new account with this id and a generated API key. */
    public Account createAccount(String id) {
        return createAccount(id, Ids.hex32());
    }

    /** A new account with this id and API key. */
    public synchronized Account createAccount(String id, String apiKey) {
        if (accountsById.containsKey(id)) {
            throw new IllegalArgumentException("account exists: " + id);
        }
        if (apiKey == null || apiKey.isBlank() || accountsByKey.containsKey(apiKey) || accountsBySidecarKey.containsKey(apiKey)) {
            throw new IllegalArgumentException("API key is empty or already used");
        }
        Account account = new Account(this, id, apiKey);
        accountsById.put(id, account);
        accountsByKey.put(apiKey, account);
        return account;
    }

    public Optional<Account> account(String id) {
        return Optional.ofNullable(accountsById.get(id));
    }

    public List<Account> accounts() {
        return accountsById.values().stream().sorted(java.util.Comparator.comparing(Account::id)).toList();
    }

    /** Webhook deliveries made so far, oldest first. */
    public List<Delivery> deliveries() {
        synchronized (deliveries) {
            return new ArrayList<>(deliveries);
        }
    }

    /** Deliveries that match, oldest first. */
    public List<Delivery> deliveries(Predicate<Delivery> filter) {
        return deliveries().stream().filter(filter).toList();
    }

    public void clearDeliveries() {
        synchronized (deliveries) {
            deliveries.clear();
        }
    }

    /** The chat-window session behind a URL that {@code POST /v3/iframe} returned. */
    public Optional<IframeSession> iframeSession(String token) {
        return Optional.ofNullable(iframeSessions.get(token));
    }

    /**
     * Forgets everything but the accounts and their keys: entities, chats, webhooks, crmKeys, the
     * journal, deliveries, faults, rate-limit windows, chat sessions and marketplace registrations.
     */
    public void reset() {
        accountsById.values().forEach(Account::clear);
        statuses.clear();
        journal.clear();
        clearDeliveries();
        faults.clear();
        limiter.reset();
        iframeSessions.clear();
        marketplace.clear();
    }

    @Override
    public void close() {
        statuses.close();
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ internals used by the routes

    Account accountByApiKey(String key) {
        return accountsByKey.get(key);
    }

    Account accountBySidecarKey(String key) {
        return accountsBySidecarKey.get(key);
    }

    synchronized void rekey(Account account, String apiKey, String sidecarKey) {
        if (sidecarKey != null && (accountsByKey.containsKey(sidecarKey) || accountsBySidecarKey.containsKey(sidecarKey))) {
            throw new IllegalArgumentException("key already used");
        }
        if (account.sidecarKey() != null) {
            accountsBySidecarKey.remove(account.sidecarKey());
        }
        if (sidecarKey != null) {
            accountsBySidecarKey.put(sidecarKey, account);
        }
    }

    IframeSession newIframeSession(IframeSession template) {
        iframeSessions.put(template.token(), template);
        return template;
    }

    Router router() {
        return router;
    }

    /**
     * Delivers a webhook to the account's address, if it has one. Returns the recorded delivery, or
     * null when no address is set.
     */
    Delivery deliver(Account account, String kind, ObjectNode body) {
        return deliver(account, kind, body, null);
    }

    /**
     * Delivers a webhook; {@code onAnswer} reads a 200 answer's JSON object and returns the outcome to
     * record (used by creation requests, whose answer carries the created entity).
     */
    Delivery deliver(Account account, String kind, ObjectNode body, Function<JsonNode, String> onAnswer) {
        String uri = account.webhooks().uri();
        if (uri == null) {
            return null;
        }
        return post(account, kind, uri, body, onAnswer);
    }

    /** POSTs a webhook body to {@code uri} as Wazzup does (§8.3) and records the delivery. */
    Delivery post(Account account, String kind, String uri, ObjectNode body, Function<JsonNode, String> onAnswer) {
        byte[] bytes = Json.bytes(body);
        String crmKey = account.crmKey();
        Instant start = clock.instant();
        long t0 = System.nanoTime();
        int status = 0;
        String answer = null;
        String error = null;
        String outcome;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri))
                    .timeout(Duration.ofMillis(options.deliveryTimeoutMillis))
                    // sic: Wazzup's documented header (§8.3)
                    .header("Content-Type", "application/json; charset-utf-8")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
            if (crmKey != null) {
                request.header("Authorization", "Bearer " + crmKey);
            }
            HttpResponse<byte[]> response = webhookClient.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            status = response.statusCode();
            answer = new String(response.body(), StandardCharsets.UTF_8);
            outcome = status == 200 ? "ok" : "failed: status " + status;
            if (status == 200 && onAnswer != null) {
                outcome = readAnswer(response.body(), onAnswer);
            }
        } catch (HttpTimeoutException e) {
            error = "timeout after " + options.deliveryTimeoutMillis + " ms";
            outcome = "failed: " + error;
        } catch (IOException | IllegalArgumentException e) {
            error = "connection failed: " + e;
            outcome = "failed: " + error;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
            outcome = "failed: interrupted";
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        if (answer != null && answer.length() > 65_536) {
            answer = answer.substring(0, 65_536) + "…";
        }
        Delivery d = new Delivery(deliverySeq.incrementAndGet(), account.id(), start, kind, uri,
                new String(bytes, StandardCharsets.UTF_8), crmKey != null, status, answer, millis, error, outcome);
        synchronized (deliveries) {
            deliveries.addLast(d);
            while (deliveries.size() > Math.max(0, options.deliveryCapacity)) {
                deliveries.removeFirst();
            }
        }
        return d;
    }

    private String readAnswer(byte[] body, Function<JsonNode, String> onAnswer) {
        JsonNode node;
        try {
            node = body.length == 0 ? null : Json.parse(body);
        } catch (IOException e) {
            return "rejected: answer is not JSON";
        }
        if (node != null && node.isArray() && node.size() == 1 && options.acceptArrayCreationAnswer) {
            node = node.get(0);
        }
        if (node == null || !node.isObject()) {
            return "rejected: answer is not a JSON object";
        }
        return onAnswer.apply(node);
    }

    // ------------------------------------------------------------------ HTTP dispatch

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            URI uri = exchange.getRequestURI();
            String path = uri.getRawPath();
            Map<String, String> headers = headers(exchange.getRequestHeaders());
            byte[] body;
            try {
                body = readBody(exchange.getRequestBody(), options.maxBodyBytes);
            } catch (TooLarge e) {
                write(exchange, Resp.error(ApiError.of(413, "REQUEST_TOO_LARGE",
                        "Request body exceeds " + options.maxBodyBytes + " bytes")));
                return;
            }
            Router.Match match = router.match(method, path);
            boolean api = path.startsWith("/v3/") || path.equals("/v3");
            if (match == null) {
                Resp r = Resp.error(ApiError.of(404, "NOT_FOUND", "No route " + method + " " + path));
                if (api) {
                    record(method, path, uri.getRawQuery(), headers, body, r.status, null, null, 0);
                }
                write(exchange, r);
                return;
            }
            Req req = new Req(method, path, uri.getRawQuery(), headers, body, match.params());
            Resp resp;
            int concurrent = 0;
            if (match.route().api()) {
                // how many requests of this key are in the emulator now, this one included (faults' delays too)
                String key = bearer(headers.get("authorization"));
                AtomicInteger count = key == null ? null : inFlight.computeIfAbsent(key, k -> new AtomicInteger());
                concurrent = count == null ? 0 : count.incrementAndGet();
                try {
                    resp = api(req, match.route());
                } finally {
                    if (count != null) {
                        count.decrementAndGet();
                    }
                }
            } else {
                resp = control(req, match.route());
            }
            if (match.route().api()) {
                record(method, path, uri.getRawQuery(), headers, body, resp.drop ? 0 : resp.status,
                        req.account == null ? null : req.account.id(), match.route().key(), concurrent);
            }
            write(exchange, resp);
        }
    }

    private Resp api(Req req, Router.Route route) {
        int outage = faults.outageStatus();
        if (outage != 0) {
            return Resp.error(ApiError.of(outage, outage == 429 ? "TOO_MANY_REQUESTS" : "UNKNOWN_ERROR", "Injected outage"));
        }
        Fault fault = faults.take(route.key());
        if (fault != null) {
            if (!fault.delay().isZero()) {
                try {
                    Thread.sleep(fault.delay().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (fault.dropConnection()) {
                return Resp.dropConnection();
            }
            if (fault.status() != 0) {
                return fault.body() != null ? Resp.raw(fault.status(), Resp.JSON, fault.body())
                        : Resp.error(ApiError.of(fault.status(), fault.status() == 429 ? "TOO_MANY_REQUESTS" : "UNKNOWN_ERROR",
                                "Injected fault"));
            }
        }
        try {
            String key = bearer(req.header("authorization"));
            if (!route.pattern().startsWith("/v3/connect")) {
                if (key == null) {
                    return Resp.error(ApiError.of(401, "UNAUTHORIZED", "Authorization: Bearer <apiKey> is required"));
                }
                Account account = accountByApiKey(key);
                if (account == null) {
                    account = accountBySidecarKey(key);
                    if (account == null) {
                        return Resp.error(ApiError.of(401, "UNAUTHORIZED", "Unknown API key"));
                    }
                    req.sidecar = true;
                    if (!RestApi.SIDECAR_ROUTES.contains(route.key())) {
                        return Resp.error(ApiError.of(403, "FORBIDDEN", "This key may not use " + route.key()));
                    }
                }
                req.account = account;
                if (!limiter.tryAcquire(key)) {
                    return Resp.error(ApiError.of(429, "TOO_MANY_REQUESTS", "Too many requests: at most "
                            + options.rateLimitRequests + " per " + options.rateLimitWindowMillis + " ms"));
                }
            }
            Resp resp = route.handler().handle(req);
            return fault != null && fault.dropAnswer() ? Resp.dropConnection() : resp;
        } catch (ApiError e) {
            return fault != null && fault.dropAnswer() ? Resp.dropConnection() : Resp.error(e);
        } catch (Exception e) {
            return Resp.error(ApiError.of(500, "UNKNOWN_ERROR", "Internal server error: " + e.getClass().getSimpleName()));
        }
    }

    private Resp control(Req req, Router.Route route) {
        try {
            return route.handler().handle(req);
        } catch (ApiError e) {
            return Resp.error(e);
        } catch (IllegalArgumentException | IllegalStateException e) {
            return Resp.error(ApiError.of(400, "BAD_REQUEST", String.valueOf(e.getMessage())));
        } catch (Exception e) {
            return Resp.error(ApiError.of(500, "UNKNOWN_ERROR", e.toString()));
        }
    }

    private static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        String a = authorization.trim();
        if (a.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String key = a.substring(7).trim();
            return key.isEmpty() ? null : key;
        }
        return null;
    }

    private void record(String method, String path, String query, Map<String, String> headers, byte[] body,
            int status, String accountId, String route, int concurrent) {
        journal.add(new JournalEntry(journal.nextSeq(), clock.instant(), method, path, query,
                Journal.maskHeaders(headers), journal.maskBody(new String(body, StandardCharsets.UTF_8)), status,
                accountId, route, concurrent, Journal.crmMessageId(route, body)));
    }

    private static Map<String, String> headers(Headers headers) {
        Map<String, String> out = new HashMap<>();
        headers.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v.isEmpty() ? "" : v.get(v.size() - 1)));
        return out;
    }

    private static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;
    }

    private static byte[] readBody(InputStream in, int max) throws IOException {
        byte[] bytes = in.readNBytes(max + 1);
        if (bytes.length > max) {
            throw new TooLarge();
        }
        return bytes;
    }

    private static void write(HttpExchange exchange, Resp resp) throws IOException {
        if (resp.drop) {
            // closing without a status line makes the client see a dropped connection
            return;
        }
        Headers h = exchange.getResponseHeaders();
        if (resp.contentType != null) {
            h.set("Content-Type", resp.contentType);
        }
        resp.headers.forEach(h::set);
        if (resp.body.length == 0) {
            exchange.sendResponseHeaders(resp.status, -1);
        } else {
            exchange.sendResponseHeaders(resp.status, resp.body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(resp.body);
            }
        }
    }
}
