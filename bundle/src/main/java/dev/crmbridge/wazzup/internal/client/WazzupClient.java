package dev.crmbridge.wazzup.internal.client;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Wazzup API v3 client: one immutable, thread-safe object per account, built by {@link #builder()},
 * with one small class per resource. Every call goes through one retrier and the key's shared rate
 * budget; failures arrive as {@link WazzupException} subclasses. The API key never appears in
 * {@code toString}, exceptions or logs.
 *
 * <pre>{@code
 * try (WazzupClient wazzup = WazzupClient.builder().apiKey(key).build()) {
 *     wazzup.contacts().upsert(contacts);
 * }
 * }</pre>
 */
public final class WazzupClient implements AutoCloseable {

    private final URI baseUrl;
    private final HttpTransport transport;
    private final boolean ownsTransport;
    private final Requester requester;
    private final RateLimiter limiter;
    private final RateLimiter share;

    private final UsersApi users;
    private final ContactsApi contacts;
    private final DealsApi deals;
    private final PipelinesApi pipelines;
    private final ChatWindowApi chatWindows;
    private final UnansweredApi unanswered;
    private final WebhooksApi webhooks;
    private final ChannelsApi channels;
    private final MessagesApi messages;
    private final ConnectApi connect;

    private WazzupClient(Builder b) {
        this(b.baseUrl, b.transport != null ? b.transport : new ApacheHttpTransport(b.connectTimeout, b.responseTimeout),
                b.transport == null, b, null, null, null);
    }

    private WazzupClient(URI baseUrl, HttpTransport transport, boolean ownsTransport, Builder b, Requester gated,
            RateLimiter gatedLimiter, RateLimiter gatedShare) {
        this.baseUrl = baseUrl;
        this.ownsTransport = ownsTransport;
        this.transport = transport;
        if (gated != null) {
            this.limiter = gatedLimiter;
            this.share = gatedShare;
            this.requester = gated;
        } else {
            String key = b.apiKey == null || b.apiKey.isBlank() ? null : b.apiKey.trim();
            this.limiter = key == null ? null : b.rateLimiters.forKey(key, b.rateBudget, b.rateWindow);
            this.share = key == null ? null : b.rateLimiters.forKey(key, "interactive",
                    Math.max(1, b.rateBudget * b.interactiveShare / 100), b.rateWindow);
            this.requester = new Requester(baseUrl, key, b.redacted, transport, b.retryPolicy, limiter, share,
                    b.responseTimeout, b.time, b.random, b.logger, b.metrics);
        }
        this.users = new UsersApi(requester);
        this.contacts = new ContactsApi(requester);
        this.deals = new DealsApi(requester);
        this.pipelines = new PipelinesApi(requester);
        this.chatWindows = new ChatWindowApi(requester);
        this.unanswered = new UnansweredApi(requester);
        this.webhooks = new WebhooksApi(requester);
        this.channels = new ChannelsApi(requester);
        this.messages = new MessagesApi(requester);
        this.connect = new ConnectApi(requester);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * This client (the same key, budget and connections) with {@code gate} run right before every attempt
     * goes out: what it throws ends the call. Closing this client, or the one it came from, ends both.
     */
    public WazzupClient gated(Runnable gate) {
        return new WazzupClient(baseUrl, transport, false, null, requester.gated(gate), limiter, share);
    }

    /** Builds a client; validates on {@link #build()}. */
    public static final class Builder {
        private URI baseUrl = URI.create("https://api.wazzup24.com");
        private String apiKey;
        private HttpTransport transport;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration responseTimeout = Duration.ofSeconds(30);
        private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
        private int rateBudget = RateLimiters.DEFAULT_BUDGET;
        private Duration rateWindow = RateLimiters.WAZZUP_WINDOW;
        private RateLimiters rateLimiters = RateLimiters.SHARED;
        private TimeSource time = TimeSource.SYSTEM;
        private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
        private Logger logger = LoggerFactory.getLogger(WazzupClient.class);
        private java.util.List<String> redacted = java.util.List.of();
        private int interactiveShare = RateLimiters.DEFAULT_INTERACTIVE_SHARE;
        private dev.crmbridge.wazzup.internal.util.Metrics metrics = new dev.crmbridge.wazzup.internal.util.Metrics();

        private Builder() {
        }

        /** Where the client counts its requests and 429s (JMX). */
        public Builder metrics(dev.crmbridge.wazzup.internal.util.Metrics metrics) {
            this.metrics = metrics;
            return this;
        }

        /**
         * Other secrets than the key that Wazzup's error texts must never carry onwards (the webhook
         * address's secret, the crmKey): they are masked in every exception.
         */
        public Builder redacting(String... secrets) {
            this.redacted = java.util.Arrays.stream(secrets).filter(java.util.Objects::nonNull).toList();
            return this;
        }

        /** The API's base URL without {@code /v3}; default {@code https://api.wazzup24.com}. */
        public Builder baseUrl(URI url) {
            this.baseUrl = url;
            return this;
        }

        /** The account's key; may be left out for {@link #wauth()} alone. */
        public Builder apiKey(String key) {
            this.apiKey = key;
            return this;
        }

        /** The transport; default a pooled HttpClient 5 with the timeouts below, closed with the client. */
        public Builder transport(HttpTransport transport) {
            this.transport = transport;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        public Builder responseTimeout(Duration timeout) {
            this.responseTimeout = timeout;
            return this;
        }

        public Builder retryPolicy(RetryPolicy policy) {
            this.retryPolicy = policy;
            return this;
        }

        /** Requests per window for this key; default 450 per 5 s (Wazzup allows 500). */
        public Builder rateBudget(int requests, Duration window) {
            this.rateBudget = requests;
            this.rateWindow = window;
            return this;
        }

        /**
         * The share of the rate budget, in percent (1–100), that calls a person waits for (chat windows,
         * counters) may take at most; the rest stays for the sync. Default 20.
         */
        public Builder interactiveShare(int percent) {
            this.interactiveShare = percent;
            return this;
        }

        /** Where limiters are shared; default {@link RateLimiters#SHARED} (one per key in the JVM). */
        public Builder rateLimiters(RateLimiters limiters) {
            this.rateLimiters = limiters;
            return this;
        }

        /** Time for backoff and rate waits (tests pass a virtual one). */
        public Builder timeSource(TimeSource time) {
            this.time = time;
            return this;
        }

        /** Jitter source, values in [0, 1). */
        public Builder random(DoubleSupplier random) {
            this.random = random;
            return this;
        }

        public Builder logger(Logger logger) {
            this.logger = logger;
            return this;
        }

        public WazzupClient build() {
            Objects.requireNonNull(baseUrl, "baseUrl");
            String scheme = baseUrl.getScheme();
            if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme) || baseUrl.getHost() == null) {
                throw new IllegalArgumentException("baseUrl must be an absolute http(s) URL");
            }
            if (rateBudget < 1 || rateWindow == null || rateWindow.isNegative() || rateWindow.isZero()) {
                throw new IllegalArgumentException("the rate budget must be at least 1 request per positive window");
            }
            if (interactiveShare < 1 || interactiveShare > 100) {
                throw new IllegalArgumentException("the interactive share must be 1 to 100 percent");
            }
            Objects.requireNonNull(retryPolicy, "retryPolicy");
            Objects.requireNonNull(time, "timeSource");
            Objects.requireNonNull(logger, "logger");
            return new WazzupClient(this);
        }
    }

    public UsersApi users() {
        return users;
    }

    public ContactsApi contacts() {
        return contacts;
    }

    public DealsApi deals() {
        return deals;
    }

    public PipelinesApi pipelines() {
        return pipelines;
    }

    public ChatWindowApi chatWindows() {
        return chatWindows;
    }

    public UnansweredApi unanswered() {
        return unanswered;
    }

    public WebhooksApi webhooks() {
        return webhooks;
    }

    public ChannelsApi channels() {
        return channels;
    }

    public TemplatesApi templates() {
        return new TemplatesApi(requester);
    }

    public MessagesApi messages() {
        return messages;
    }

    /** WAuth; works without an API key. */
    public ConnectApi wauth() {
        return connect;
    }

    /** Whether an API key is set. */
    public boolean hasApiKey() {
        return requester.hasKey();
    }

    /** The chat endpoints' share of the key's budget (shared), or null without a key. */
    public RateLimiter interactiveLimiter() {
        return share;
    }

    /** The key's rate limiter (shared), or null without a key. */
    public RateLimiter rateLimiter() {
        return limiter;
    }

    @Override
    public void close() {
        requester.close();
        if (ownsTransport) {
            transport.close();
        }
    }

    @Override
    public String toString() {
        return "WazzupClient[" + baseUrl + ", apiKey=" + (hasApiKey() ? "<set>" : "<none>") + "]";
    }
}
