package dev.crmbridge.wazzup.internal.config;

import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.spi.CrmEntityFactory;
import dev.crmbridge.wazzup.api.spi.CrmSession;
import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.internal.chat.ChatDeals;
import dev.crmbridge.wazzup.internal.chat.ChatService;
import dev.crmbridge.wazzup.internal.chat.Chats;
import dev.crmbridge.wazzup.internal.chat.LiveCounters;
import dev.crmbridge.wazzup.internal.chat.MessageUsers;
import dev.crmbridge.wazzup.internal.client.RateLimiters;
import dev.crmbridge.wazzup.internal.client.RetryPolicy;
import dev.crmbridge.wazzup.internal.client.WazzupClient;
import dev.crmbridge.wazzup.internal.cluster.BudgetShares;
import dev.crmbridge.wazzup.internal.cluster.Signals;
import dev.crmbridge.wazzup.internal.message.ChannelRegistry;
import dev.crmbridge.wazzup.internal.message.EventHook;
import dev.crmbridge.wazzup.internal.message.MessageSender;
import dev.crmbridge.wazzup.internal.message.MessageService;
import dev.crmbridge.wazzup.internal.message.TemplateCatalog;
import dev.crmbridge.wazzup.internal.store.Fence;
import dev.crmbridge.wazzup.internal.store.GroupWriter;
import dev.crmbridge.wazzup.internal.store.OutboxRow;
import dev.crmbridge.wazzup.internal.store.Store;
import dev.crmbridge.wazzup.internal.store.StoreHandle;
import dev.crmbridge.wazzup.internal.sync.ChangeRecorder;
import dev.crmbridge.wazzup.internal.sync.Payloads;
import dev.crmbridge.wazzup.internal.sync.SyncEngine;
import dev.crmbridge.wazzup.internal.sync.SyncSettings;
import dev.crmbridge.wazzup.internal.sync.SyncedType;
import dev.crmbridge.wazzup.internal.util.Metrics;
import dev.crmbridge.wazzup.internal.wauth.WAuth;
import dev.crmbridge.wazzup.internal.web.Whiteboard;
import dev.crmbridge.wazzup.internal.webhook.Webhooks;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.osgi.service.event.EventAdmin;

/**
 * One configuration's working parts, built in this one place (the component and the tests' harness use
 * it): the Wazzup client, the sync engine, the webhooks, the chat side and WAuth, over an open store.
 * A configuration change replaces it whole: {@link #retire()} first (from then on it neither sends to
 * Wazzup nor commits), then {@link #close}; the change recorder outlives it.
 */
public final class ConnectorRuntime implements ChangeRecorder.Target {

    /** The engine's client retries briefly; longer outages are the engine's pause to ride out. */
    static final RetryPolicy ENGINE_RETRIES = new RetryPolicy(4, Duration.ofMillis(500), Duration.ofSeconds(4));

    /** What the runtime uses of the host; each supplier answers the service as it is now (or null). */
    public record Host(Supplier<CrmDirectory> directory, Supplier<CrmEntityFactory> factory, Supplier<EventAdmin> events,
            Supplier<CrmSession> session, Whiteboard whiteboard, Connections connections) {
    }

    /** Where WAuth stores an account it connected (the configuration). */
    public interface Connections {
        /** Stores a connected account; the one it replaces is kept a day for {@link #undo()}. */
        void store(String apiKey, String crmKey) throws IOException;

        /** Restores the connection the last one replaced; false when there is none (any more). */
        default boolean undo() throws IOException {
            return false;
        }
    }

    /** How the parts are tuned: the clock, the client's retries and the per-key budgets it shares. */
    public record Options(Clock clock, RetryPolicy retries, RateLimiters limiters, Metrics metrics) {

        public Options(Clock clock, RetryPolicy retries, RateLimiters limiters) {
            this(clock, retries, limiters, new Metrics());
        }

        public static Options defaults() {
            return new Options(Clock.systemUTC(), ENGINE_RETRIES, null);
        }

        /** The same, counting into {@code metrics} (the component's, which outlives its runtimes). */
        public Options counting(Metrics metrics) {
            return new Options(clock, retries, limiters, metrics);
        }
    }

    private final ConnectorSettings settings;
    private final StoreHandle storage;
    private final Store store;
    private final Fence fence;
    private final WazzupClient client;
    private final SyncEngine engine;
    private final Webhooks webhooks;
    private final Chats chats;
    private final WAuth wauth;
    private final ChannelRegistry channels;
    private final TemplateCatalog templates;
    private final MessageService messages;
    private final MessageSender sender;
    private final ExecutorService messageCalls;
    /** Stops hearing the other nodes' signals; none when alone. */
    private final List<Runnable> hearing;
    /** Stops following the cluster's budget shares; nothing when alone. */
    private final Runnable shares;
    private boolean closed;

    /**
     * @param sync how the engine syncs ({@link #syncSettings} of {@code settings}, or a test's own)
     * @param secret the webhook URL's secret
     * @param recorder where the chat side records a deal it created
     */
    public ConnectorRuntime(ConnectorSettings settings, SyncSettings sync, String secret, StoreHandle storage, Host host,
            ChangeRecorder recorder, Options options) {
        this.settings = settings;
        this.storage = storage;
        this.fence = new Fence("a runtime of the Wazzup connector");
        this.store = storage.store().fenced(fence);
        Clock clock = options.clock();
        this.client = settings.hasApiKey() ? client(settings, options).redacting(secret, settings.crmKey())
                .apiKey(settings.apiKey())
                .rateBudget(settings.rateBudget(), RateLimiters.WAZZUP_WINDOW).build() : null;
        if (storage.cluster() != null) {
            storage.cluster().announceKey(settings.apiKeyDigest()); // the others notice a node with another key
        }
        this.shares = client == null || storage.cluster() == null ? () -> { }
                : BudgetShares.follow(storage.cluster(), storage.leadership(), client.rateLimiter(),
                        client.interactiveLimiter(), settings.rateBudget(),
                        settings.chatBudgetShare());
        this.engine = new SyncEngine(sync, storage.store(), storage.writer(), client, host.directory(), clock, fence,
                storage.leadership());
        Payloads payloads = new Payloads(settings.phoneRules());
        ChatService chatService = new ChatService(client, host.directory(), payloads,
                new ChatService.Options(settings.clientType(), settings.chatDealEvents(), settings.chatWindowsPerMinute()),
                settings.counterTtl(),
                settings.responseTimeout(), clock);
        LiveCounters live = !settings.counterStream() ? null : new LiveCounters(chatService, new LiveCounters.Options(
                settings.counterStreamHeartbeat(), LIVE_RED_WINDOW, settings.counterStreamGrey(),
                settings.counterStreamBudget(), LIVE_STREAMS_PER_USER, LIVE_STREAMS, LIVE_STREAM_AGE, secret));
        chatService.live(live);
        chatService.counting(options.metrics());
        MessageUsers messageUsers = new MessageUsers();
        ChatDeals deals = new ChatDeals(host.factory(), store, payloads,
                id -> recorder.record(EntityType.DEAL, id, OutboxRow.Op.SAVE), settings.dealPipelineId(),
                settings.dealStageId(), clock);
        this.webhooks = new Webhooks(new Webhooks.Config(settings.webhookPath(), secret, settings.crmKey(),
                settings.webhookMaxBodyBytes(), settings.publicBaseUrl(), settings.dealPipelineId(), settings.dealStageId(),
                settings.scheme(), settings.webhookVerify()), new Webhooks.Host(host.directory(), host.factory(), host.events(), host.whiteboard()),
                store, storage.writer(), fence, client, payloads, clock,
                onMessage(chatService, storage.signals(), live, messageUsers),
                storage.leadership());
        webhooks.counting(options.metrics());
        Signals signals = storage.signals();
        this.channels = new ChannelRegistry(client, clock);
        this.templates = new TemplateCatalog(client, clock);
        this.sender = new MessageSender(storage.store(), fence, storage.leadership(), client, host.directory(), channels,
                new Payloads(settings.phoneRules()), host.events(), clock, settings.messageSenders(),
                settings.messageRepeatWindow());
        sender.whenCleared((chatType, chatId) -> {
            // a CRM send that reset the chat's counters: as a manager's reply in Wazzup's window would
            List<String> owners = chatId == null ? List.of() : store.refs().chatOwners(chatType, List.of(chatId)).userIds();
            chatService.messagesArrived();
            if (live != null) {
                live.messages(owners);
            }
            if (signals != null) {
                signals.send(Signals.Kind.COUNTERS, owners);
            }
        });
        this.messageCalls = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "Wazzup message edits");
            t.setDaemon(true);
            return t;
        });
        this.messages = new MessageService(store, () -> client == null ? null : client.messages(), host.events(),
                () -> {
                    sender.wake();
                    if (signals != null && storage.leadership().term() == null) {
                        signals.send(Signals.Kind.MESSAGES); // the leader sends it without waiting for its next look
                    }
                }, messageCalls, clock);
        EventHook messageHook = new EventHook(store.sends(), channels, templates, clock, () -> {
            readChannels(); // when the webhook named a channel not listed yet
            if (signals != null) {
                signals.send(Signals.Kind.CATALOG);
            }
        });
        webhooks.enrich(e -> messageUsers.apply(messageHook.apply(e)));
        this.hearing = signals == null ? List.of() : List.of(signals.on(Signals.Kind.OUTBOX, engine::wake),
                signals.onData(Signals.Kind.COUNTERS, users -> {
                    chatService.messagesArrived();
                    if (live != null) {
                        live.messages(users);
                    }
                }),
                signals.on(Signals.Kind.MESSAGES, sender::wake),
                signals.on(Signals.Kind.CATALOG, this::catalogChanged));
        this.chats = new Chats(host.whiteboard(), settings.chatPath(), (int) settings.counterPoll().toSeconds(), chatService,
                deals, host.session(), settings.chatDealEvents(), live);
        this.wauth = new WAuth(host.whiteboard(), settings.connectPath(), settings.crmCode(), settings.wauthEnabled(),
                host.session(), new WAuth.Connector() {
                    @Override
                    public String connect(String state, String crmKey) {
                        // no API key yet: a client of its own, for this one call
                        try (WazzupClient keyless = client(settings, options)
                                .redacting(settings.wauthSecret(), crmKey, secret).build()) {
                            return keyless.wauth().connect(state, settings.wauthSecret(), crmKey);
                        }
                    }

                    @Override
                    public void store(String apiKey, String crmKey) throws IOException {
                        host.connections().store(apiKey, crmKey);
                    }

                    @Override
                    public boolean connected() {
                        return settings.hasApiKey();
                    }

                    @Override
                    public List<String> channels(String apiKey) {
                        try (WazzupClient account = client(settings, options).apiKey(apiKey)
                                .retryPolicy(RetryPolicy.NONE).build()) {
                            return account.channels().list().stream().map(ch -> ch.transport() + " "
                                    + (ch.name() != null && !ch.name().isBlank() ? ch.name() : ch.plainId())
                                    + (ch.state() == null ? "" : " (" + ch.state() + ")")).toList();
                        }
                    }

                    @Override
                    public boolean undo() throws IOException {
                        return host.connections().undo();
                    }
                });
    }

    /**
     * Another node took in a channel's new state or a template's status: this node reads the channels now (off
     * the listener's thread), so that its pages and {@link #problem()} agree with the node that took the
     * webhook within a request's time, and the templates when next asked.
     */
    private void catalogChanged() {
        channels.stale();
        templates.stale();
        readChannels();
    }

    /** Reads the channels off the caller's thread, if they are stale (else nothing). */
    private void readChannels() {
        try {
            messageCalls.execute(channels::refreshIfStale);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping
        }
    }

    /**
     * After events of new messages: this node's counters are stale, and in a cluster every node's; the open
     * pages of the chats' responsible users (on every node) get their new counters at once, the others soon.
     */
    private static List<Runnable> onMessage(ChatService chat, Signals signals, LiveCounters live, MessageUsers users) {
        return List.of(() -> {
            List<String> changed = users.drain();
            chat.messagesArrived();
            if (live != null) {
                live.messages(changed);
            }
            if (signals != null) {
                signals.send(Signals.Kind.COUNTERS, changed);
            }
        });
    }

    /** The least time between two live-counter fetches of one responsible user. */
    static final java.time.Duration LIVE_RED_WINDOW = java.time.Duration.ofSeconds(1);
    /** How many live-counter streams one user may hold open on a node. */
    static final int LIVE_STREAMS_PER_USER = 20;
    /** How many live-counter streams a node holds open in all. */
    static final int LIVE_STREAMS = 10_000;
    /** After this a stream ends and its page connects again (to whichever node then serves it). */
    static final java.time.Duration LIVE_STREAM_AGE = java.time.Duration.ofMinutes(30);

    private static WazzupClient.Builder client(ConnectorSettings settings, Options options) {
        WazzupClient.Builder b = WazzupClient.builder().baseUrl(settings.apiBaseUrl())
                .connectTimeout(settings.connectTimeout()).responseTimeout(settings.responseTimeout())
                .retryPolicy(options.retries())
                .redacting(settings.webhookSecret(), settings.crmKey())
                .interactiveShare(settings.chatBudgetShare()).metrics(options.metrics());
        return options.limiters() == null ? b : b.rateLimiters(options.limiters());
    }

    /** How the engine syncs under these settings. */
    public static SyncSettings syncSettings(ConnectorSettings settings) {
        return new SyncSettings(settings.scheme(), settings.batchDelay(), settings.retryMaxDelay(),
                settings.reconcileInterval(), settings.reconcileDeletes(), settings.initialSync(), settings.phoneRules(),
                settings.apiKeyDigest());
    }

    /** Starts the sync, the delivery of webhook events and the subscription. */
    public void start() {
        engine.start();
        webhooks.start();
        sender.start();
    }

    /** Unregisters the servlets and chat buttons (a successor registers the same paths). */
    public void closeEndpoints() {
        wauth.close();
        chats.close();
        webhooks.closeEndpoint();
    }

    /** From now on this runtime neither sends to Wazzup nor commits; its sync stops. */
    public void retire() {
        fence.close();
        engine.stop();
        sender.stop();
        webhooks.stopDelivering();
    }

    /**
     * Fences and stops everything: a request in flight may finish within {@code grace} (a successor must
     * not meet it at Wazzup), then the client is closed. Answers whether the sync thread ended.
     */
    public synchronized boolean close(Duration grace) {
        if (closed) {
            return engine.join(Duration.ofMillis(1));
        }
        closed = true;
        shares.run();
        hearing.forEach(Runnable::run);
        closeEndpoints();
        retire();
        boolean stopped = engine.join(grace);
        if (client != null) {
            client.close(); // a request still in flight ends now
        }
        stopped = stopped || engine.join(Duration.ofSeconds(5));
        sender.join(Duration.ofSeconds(5));
        messageCalls.shutdownNow();
        webhooks.close();
        chats.service().close();
        return stopped;
    }

    public ConnectorSettings settings() {
        return settings;
    }

    public SyncEngine engine() {
        return engine;
    }

    public Webhooks webhooks() {
        return webhooks;
    }

    public ChatService chats() {
        return chats.service();
    }

    public StoreHandle storage() {
        return storage;
    }

    /** What keeps this runtime from working, in words, or null. */
    public String problem() {
        if (storage.cluster() != null) {
            // first: a misconfigured cluster sends the CRM's data to whichever account its leader's key names
            List<String> others = storage.cluster().otherKeys(settings.apiKeyDigest());
            if (!others.isEmpty()) {
                return "node" + (others.size() > 1 ? "s " : " ") + String.join(", ", others) + " of the cluster run"
                        + (others.size() > 1 ? "" : "s") + " with another Wazzup API key than this node: every node must"
                        + " use the same (the leader's decides which account gets the CRM's data)";
            }
        }
        String p = engine.problem();
        if (p == null) {
            p = storage.writer().problem();
        }
        if (p == null) {
            p = channels.problem();
        }
        return p != null ? p : sender.problem();
    }

    /** The {@code Messages} service of this configuration. */
    public MessageService messages() {
        return messages;
    }

    /** The account's channels. */
    public ChannelRegistry channels() {
        return channels;
    }

    /** The account's WhatsApp Business templates. */
    public TemplateCatalog templates() {
        return templates;
    }

    // ---------------------------------------------------------------- ChangeRecorder.Target

    @Override
    public Store store() {
        return store;
    }

    @Override
    public GroupWriter writer() {
        return storage.writer();
    }

    @Override
    public Fence fence() {
        return fence;
    }

    @Override
    public List<SyncedType<?, ?>> types() {
        return engine.types();
    }

    @Override
    public void stored(EntityType type, int count) {
        engine.stored(type, count);
        Signals signals = storage.signals();
        if (signals != null && storage.leadership().term() == null) {
            signals.send(Signals.Kind.OUTBOX); // the leader sends them without waiting for its next look
        }
    }

    @Override
    public void unreadable(EntityType type) {
        engine.resyncAll();
    }
}
