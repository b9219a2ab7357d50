package dev.crmbridge.wazzup.internal.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;

/**
 * Sends one API call and owns its retries: capped exponential backoff with jitter on connection
 * errors, timeouts, 429 (after the next rate window) and 5xx; the rate budget before every attempt;
 * error bodies turned into typed exceptions. Thread-safe.
 */
final class Requester {

    /** Where requests and 429s are counted. */
    private final dev.crmbridge.wazzup.internal.util.Metrics metrics;

    /** How a call may be repeated. */
    enum Retry {
        /** Repeating it has the same effect (GET, upserts by id, deletes, PATCH webhooks, iframe). */
        IDEMPOTENT,
        /** {@code POST /v3/message}: repeated only with the same {@code crmMessageId}. */
        DUPLICATE_GUARDED,
        /** Repeated only when the request provably never left (connection refused). */
        ONLY_IF_NOT_SENT,
        /** Sent once whatever happens: the caller keeps its own record of attempts (the durable message sender). */
        ONCE
    }

    /** One call: route name for logs and errors, path with query, optional JSON body. */
    record Call(String route, String method, String path, byte[] body, Retry retry, boolean authenticated) {
    }

    /** Reads a 2xx answer. */
    interface Reader<T> {
        T read(TransportResponse response) throws IOException;
    }

    private final URI baseUrl;
    private final String apiKey;
    /** What never leaves in an error's text: the key, and the secrets the client was told of. */
    private final List<String> secrets;
    private final HttpTransport transport;
    private final RetryPolicy policy;
    private final RateLimiter limiter;
    /** The chat endpoints' share of the key's budget (interactive calls), or null. */
    private final RateLimiter share;
    private final Duration interactiveWithin;
    private final TimeSource time;
    private final DoubleSupplier random;
    private final Logger log;
    /** Set when the client is closed: calls in progress stop retrying and fail at once. */
    private volatile boolean closed;
    /** Run right before every attempt goes out; it throws to stop the call (a leader whose term ended). */
    private final Runnable gate;
    /** The requester this one was made from ({@link #gated}), whose close reaches this one too; or null. */
    private final Requester origin;

    Requester(URI baseUrl, String apiKey, HttpTransport transport, RetryPolicy policy, RateLimiter limiter,
            TimeSource time, DoubleSupplier random, Logger log) {
        this(baseUrl, apiKey, List.of(), transport, policy, limiter, null, Duration.ofSeconds(30), time, random, log,
                new dev.crmbridge.wazzup.internal.util.Metrics());
    }

    Requester(URI baseUrl, String apiKey, List<String> redacted, HttpTransport transport, RetryPolicy policy,
            RateLimiter limiter, RateLimiter share, Duration interactiveWithin, TimeSource time, DoubleSupplier random,
            Logger log, dev.crmbridge.wazzup.internal.util.Metrics metrics) {
        this.metrics = metrics;
        this.share = share;
        this.interactiveWithin = interactiveWithin;
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        List<String> all = new ArrayList<>();
        if (apiKey != null && !apiKey.isEmpty()) {
            all.add(apiKey);
        }
        redacted.stream().filter(x -> x != null && x.length() >= 4).forEach(all::add);
        this.secrets = List.copyOf(all);
        this.transport = transport;
        this.policy = policy;
        this.limiter = limiter;
        this.time = time;
        this.random = random;
        this.log = log;
        this.gate = () -> { };
        this.origin = null;
    }

    /** The same requester (key, budget, transport), with {@code gate} run right before each attempt. */
    Requester gated(Runnable gate) {
        return new Requester(this, gate);
    }

    private Requester(Requester from, Runnable gate) {
        this.baseUrl = from.baseUrl;
        this.apiKey = from.apiKey;
        this.secrets = from.secrets;
        this.transport = from.transport;
        this.policy = from.policy;
        this.limiter = from.limiter;
        this.share = from.share;
        this.interactiveWithin = from.interactiveWithin;
        this.time = from.time;
        this.random = from.random;
        this.log = from.log;
        this.metrics = from.metrics;
        this.gate = gate;
        this.origin = from;
    }

    private boolean isClosed() {
        return closed || origin != null && origin.isClosed();
    }

    /** Where the API is. */
    URI baseUrl() {
        return baseUrl;
    }

    /** The client's logger (its lines never carry the key). */
    Logger log() {
        return log;
    }

    /** Stops retrying: every call in progress or to come fails with {@link UnavailableException}. */
    void close() {
        closed = true;
    }

    boolean hasKey() {
        return apiKey != null && !apiKey.isEmpty();
    }

    /**
     * Sends the call until it succeeds or may not be repeated. {@code onDuplicate}, for
     * {@link Retry#DUPLICATE_GUARDED}, is what a retry answered {@code REPEATED_CRM_MESSAGE_ID} returns.
     */
    <T> T execute(Call call, Reader<T> reader, java.util.function.Supplier<T> onDuplicate) {
        if (call.authenticated() && !hasKey()) {
            throw new IllegalStateException("no Wazzup API key is configured");
        }
        TransportRequest request = request(call);
        int max = call.retry() == Retry.ONCE ? 1 : policy.maxAttempts();
        for (int attempt = 1; ; attempt++) {
            if (isClosed()) {
                throw new UnavailableException(call.route(), 0, null, "the client is closed", null, null, null);
            }
            acquire(call);
            gate.run();
            long t0 = time.nanoTime();
            TransportResponse response;
            metrics.requests.add();
            try {
                response = transport.send(request);
            } catch (IOException e) {
                boolean neverSent = e instanceof ConnectException || e instanceof UnknownHostException;
                boolean repeatable = call.retry() != Retry.ONLY_IF_NOT_SENT || neverSent;
                if (e instanceof InterruptedIOException && Thread.currentThread().isInterrupted()) {
                    throw new UnavailableException(call.route(), 0, null, "interrupted", null, null, e);
                }
                if (!repeatable || attempt >= max) {
                    throw new UnavailableException(call.route(), 0, null,
                            "no answer after " + attempt + " attempt(s): " + e.getClass().getSimpleName(), null, null, e);
                }
                backoff(call, attempt, "no answer (" + e.getClass().getSimpleName() + ")");
                continue;
            }
            int status = response.status();
            log.debug("{} → {} in {} ms (attempt {})", call.route(), status, millis(t0), attempt);
            if (status >= 200 && status < 300) {
                try {
                    return reader.read(response);
                } catch (IOException | RuntimeException e) {
                    // not chained: a parser's message quotes the body, and a body may carry a key
                    String where = e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null
                            ? " at line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr() : "";
                    throw new WazzupException(call.route(), status, null,
                            "unreadable answer (" + e.getClass().getSimpleName() + where + ")", null, null, null);
                }
            }
            ErrorBody error = ErrorBody.parse(response, secrets);
            if (attempt > 1 && call.retry() == Retry.DUPLICATE_GUARDED
                    && ErrorCodes.same(error.code, ErrorCodes.REPEATED_CRM_MESSAGE_ID)) {
                // an earlier attempt arrived although its answer was lost: the message is sent once
                log.info("{}: attempt {} met the duplicate guard; an earlier attempt was accepted", call.route(), attempt);
                return onDuplicate.get();
            }
            if (status == 429) {
                metrics.tooMany.add();
                if (limiter != null) {
                    limiter.pauseForWindow();
                }
                if (attempt >= max) {
                    throw new RateLimitedException(call.route(), status, error.code, error.description, error.data,
                            error.requestId);
                }
                log.warn("{} → 429 although within our budget (another system on this key?); "
                        + "waiting for the next window, attempt {}/{}", call.route(), attempt + 1, max);
                if (limiter == null) {
                    sleep(RateLimiters.WAZZUP_WINDOW);
                }
                continue;
            }
            if (status >= 500 && call.retry() != Retry.ONLY_IF_NOT_SENT && attempt < max) {
                backoff(call, attempt, Integer.toString(status));
                continue;
            }
            throw error.toException(call.route(), status);
        }
    }

    private TransportRequest request(Call call) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json");
        if (call.body() != null) {
            headers.put("Content-Type", "application/json; charset=utf-8");
        }
        if (call.authenticated()) {
            headers.put("Authorization", "Bearer " + apiKey);
        }
        return new TransportRequest(call.method(), baseUrl.resolve(call.path()), headers, call.body());
    }

    /**
     * A call a person waits for (a chat window, a counter): answered within {@code interactiveWithin} or
     * failed. One attempt; a second only when the first failed fast enough to leave
     * {@link #SECOND_ATTEMPT_MIN} of that time, and never after a 429 or a 4xx. It draws on the key's
     * budget and, first, on the chat share of it ({@code share}), never waiting for either beyond its
     * deadline: a budget in use fails the call at once ({@link RateLimitedException}, code {@code BUSY}).
     */
    <T> T interactive(Call call, Reader<T> reader) {
        if (call.authenticated() && !hasKey()) {
            throw new IllegalStateException("no Wazzup API key is configured");
        }
        TransportRequest request = request(call);
        long deadline = time.nanoTime() + interactiveWithin.toNanos();
        for (int attempt = 1; ; attempt++) {
            if (isClosed()) {
                throw new UnavailableException(call.route(), 0, null, "the client is closed", null, null, null);
            }
            acquireWithin(call, deadline);
            gate.run();
            long remaining = deadline - time.nanoTime();
            if (remaining <= 0) {
                throw new UnavailableException(call.route(), 0, null, "no answer within "
                        + interactiveWithin.toMillis() + " ms", null, null, null);
            }
            TransportResponse response;
            try {
                response = transport.send(request.within(Duration.ofNanos(remaining)));
            } catch (IOException e) {
                if (e instanceof InterruptedIOException && Thread.currentThread().isInterrupted()) {
                    throw new UnavailableException(call.route(), 0, null, "interrupted", null, null, e);
                }
                if (attempt == 1 && secondAttemptFits(deadline)) {
                    log.debug("{}: no answer ({}); a second attempt fits in the time left", call.route(),
                            e.getClass().getSimpleName());
                    continue;
                }
                throw new UnavailableException(call.route(), 0, null, "no answer within "
                        + interactiveWithin.toMillis() + " ms (" + e.getClass().getSimpleName() + ")", null, null, e);
            }
            int status = response.status();
            if (status >= 200 && status < 300) {
                try {
                    return reader.read(response);
                } catch (IOException | RuntimeException e) {
                    throw new WazzupException(call.route(), status, null,
                            "unreadable answer (" + e.getClass().getSimpleName() + ")", null, null, null);
                }
            }
            ErrorBody error = ErrorBody.parse(response, secrets);
            if (status == 429 && limiter != null) {
                limiter.pauseForWindow();
            }
            if (status >= 500 && attempt == 1 && secondAttemptFits(deadline)) {
                continue;
            }
            throw error.toException(call.route(), status);
        }
    }

    /** The least time left for an interactive call's second attempt. */
    static final Duration SECOND_ATTEMPT_MIN = Duration.ofSeconds(1);

    private boolean secondAttemptFits(long deadline) {
        return deadline - time.nanoTime() >= SECOND_ATTEMPT_MIN.toNanos();
    }

    private void acquireWithin(Call call, long deadline) {
        if (!call.authenticated() || limiter == null) {
            return;
        }
        try {
            long left = Math.max(0, deadline - time.nanoTime());
            if (share != null && !share.tryAcquire(Duration.ofNanos(Math.min(left, SHARE_WAIT.toNanos())))) {
                throw busy(call, "the chat endpoints' share of the key's budget is used up for now");
            }
            left = Math.max(0, deadline - time.nanoTime());
            if (!limiter.tryAcquire(Duration.ofNanos(left))) {
                throw busy(call, "the key's budget is used up for now");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException(call.route(), 0, null, "interrupted while waiting for the rate budget",
                    null, null, e);
        }
    }

    /** How long an interactive call waits at most for the chat share of the budget. */
    private static final Duration SHARE_WAIT = Duration.ofMillis(500);

    private static RateLimitedException busy(Call call, String why) {
        return new RateLimitedException(call.route(), 0, ErrorCodes.BUSY, why, null, null);
    }

    private void acquire(Call call) {
        if (!call.authenticated() || limiter == null) {
            return;
        }
        try {
            limiter.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException(call.route(), 0, null, "interrupted while waiting for the rate budget",
                    null, null, e);
        }
    }

    private void backoff(Call call, int attempt, String why) {
        Duration wait = policy.backoff(attempt, random.getAsDouble());
        log.warn("{} → {}; retry {}/{} in {} ms", call.route(), why, attempt + 1, policy.maxAttempts(), wait.toMillis());
        sleep(wait);
    }

    private void sleep(Duration wait) {
        try {
            // a closed client does not wait; one closed meanwhile fails at the next attempt
            if (!isClosed()) {
                time.sleep(wait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("retry", 0, null, "interrupted while waiting to retry", null, null, e);
        }
    }

    private long millis(long t0) {
        return Duration.ofNanos(time.nanoTime() - t0).toMillis();
    }

    /** Wazzup's error body (§1.3): empty, or {@code {error, description, data}}; {@code error} may be an object. */
    static final class ErrorBody {
        String code;
        String description;
        JsonNode data;
        String requestId;

        static ErrorBody parse(TransportResponse response, String apiKey) {
            return parse(response, apiKey == null || apiKey.isEmpty() ? List.of() : List.of(apiKey));
        }

        /**
         * The error body with every one of {@code secrets} masked in its texts: Wazzup may quote what it
         * was sent (a webhook address with its secret, say), and a proxy may echo the request.
         */
        static ErrorBody parse(TransportResponse response, List<String> secrets) {
            ErrorBody e = new ErrorBody();
            byte[] body = response.body();
            if (body.length == 0) {
                return e;
            }
            JsonNode node;
            try {
                node = Json.depthWithin(body, Json.MAX_DEPTH) ? Json.mapper().readTree(body) : null;
            } catch (IOException notJson) {
                node = null;
            }
            if (node == null || !node.isObject()) {
                String text = mask(new String(body, StandardCharsets.UTF_8), secrets).strip();
                e.description = text.length() > 200 ? text.substring(0, 200) + "…" : text;
                return e;
            }
            JsonNode error = node.get("error");
            if (error != null && error.isObject()) {
                e.code = text(error, "code", "error", "type");
                e.description = text(error, "description", "message");
            } else if (error != null && !error.isNull()) {
                e.code = error.asText();
            }
            if (e.description == null) {
                e.description = text(node, "description", "message");
            }
            e.code = mask(e.code, secrets);
            e.description = mask(e.description, secrets);
            e.data = node.get("data");
            if (e.data != null && !secrets.isEmpty() && !mask(e.data.toString(), secrets).equals(e.data.toString())) {
                e.data = null; // it quotes a secret: better none than a leak
            }
            e.requestId = mask(text(node, "requestId"), secrets);
            return e;
        }

        private static String mask(String text, List<String> secrets) {
            if (text == null) {
                return null;
            }
            String out = text;
            for (String secret : secrets) {
                out = out.replace(secret, "***");
            }
            return out;
        }

        private static String text(JsonNode node, String... fields) {
            for (String f : fields) {
                JsonNode v = node.get(f);
                if (v != null && !v.isNull() && !v.isContainerNode()) {
                    return v.asText();
                }
            }
            return null;
        }

        WazzupException toException(String route, int status) {
            return switch (status) {
                case 401 -> new UnauthorizedException(route, status, code, description, data, requestId);
                case 403 -> new ForbiddenException(route, status, code, description, data, requestId);
                case 404 -> new NotFoundException(route, status, code, description, data, requestId);
                case 429 -> new RateLimitedException(route, status, code, description, data, requestId);
                case 400, 409, 413, 422 -> ErrorCodes.same(code, ErrorCodes.TOO_MANY_ENTITIES)
                        ? new TooManyEntitiesException(route, status, code, description, data, requestId)
                        : new InvalidDataException(route, status, code, description, data, requestId, items(), fields());
                default -> status >= 500
                        ? new UnavailableException(route, status, code, description, data, requestId, null)
                        : new WazzupException(route, status, code, description, data, requestId, null);
            };
        }

        private List<ItemError> items() {
            List<ItemError> out = new ArrayList<>();
            if (data != null && data.isArray()) {
                for (JsonNode item : data) {
                    if (item.has("index")) {
                        out.add(new ItemError(item.get("index").asInt(), null, strings(item.get("fields"))));
                    }
                }
            }
            return out;
        }

        private List<String> fields() {
            return data != null && data.isObject() ? strings(data.get("fields")) : List.of();
        }

        private static List<String> strings(JsonNode array) {
            List<String> out = new ArrayList<>();
            if (array != null && array.isArray()) {
                array.forEach(n -> out.add(n.asText()));
            } else if (array != null && array.isTextual()) {
                out.add(array.asText());
            }
            return out;
        }
    }
}
