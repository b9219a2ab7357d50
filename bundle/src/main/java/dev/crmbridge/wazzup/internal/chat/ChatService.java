package dev.crmbridge.wazzup.internal.chat;

import dev.crmbridge.wazzup.api.chat.ChatWindowException;
import dev.crmbridge.wazzup.api.chat.ChatWindowException.Reason;
import dev.crmbridge.wazzup.api.chat.ChatWindows;
import dev.crmbridge.wazzup.api.chat.Unanswered;
import dev.crmbridge.wazzup.api.chat.UnansweredCounters;
import dev.crmbridge.wazzup.api.model.ChatHandle;
import dev.crmbridge.wazzup.api.model.CrmContact;
import dev.crmbridge.wazzup.api.model.CrmDeal;
import dev.crmbridge.wazzup.api.model.CrmUser;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.internal.client.ChatWindowRequest;
import dev.crmbridge.wazzup.internal.client.InvalidDataException;
import dev.crmbridge.wazzup.internal.client.NotFoundException;
import dev.crmbridge.wazzup.internal.client.RateLimitedException;
import dev.crmbridge.wazzup.internal.client.RateLimiter;
import dev.crmbridge.wazzup.internal.client.TimeSource;
import dev.crmbridge.wazzup.internal.client.UnansweredCounter;
import dev.crmbridge.wazzup.internal.client.UnauthorizedException;
import dev.crmbridge.wazzup.internal.client.WazzupClient;
import dev.crmbridge.wazzup.internal.client.WazzupException;
import dev.crmbridge.wazzup.internal.client.WzChatHandle;
import dev.crmbridge.wazzup.internal.sync.Payloads;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chat windows and counters: reads the user and the card from the {@link CrmDirectory}, builds the
 * {@code POST /v3/iframe} request (a card's filter from its chat handles, normalised as the sync sends
 * them; the first one opened) and turns every failure into a {@link ChatWindowException} whose message
 * a manager can read.
 */
public final class ChatService implements ChatWindows, UnansweredCounters {

    private static final Logger LOG = LoggerFactory.getLogger(ChatService.class);

    /**
     * What the chat window is told besides the user and the chats, and how many windows one user may
     * open per minute (a tab looping on {@code /window} must not spend the key's budget).
     */
    public record Options(String clientType, boolean dealEvents, int windowsPerMinute) {

        /** The default: {@value #DEFAULT_WINDOWS_PER_MINUTE} windows per user per minute. */
        public Options(String clientType, boolean dealEvents) {
            this(clientType, dealEvents, DEFAULT_WINDOWS_PER_MINUTE);
        }
    }

    /** How many chat windows one user may open per minute by default. */
    public static final int DEFAULT_WINDOWS_PER_MINUTE = 30;
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private final WazzupClient client;
    private final Supplier<CrmDirectory> directory;
    private final Payloads payloads;
    private final ChatWindowRequest.Options options;
    private final CounterCache counters;
    private final Clock clock;
    private final int windowsPerMinute;
    private final ConcurrentHashMap<String, RateLimiter> windowsByUser = new ConcurrentHashMap<>();
    /** Refreshes stale counters in the background: one refresh per user at a time, a bounded queue. */
    private final ThreadPoolExecutor refresher = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(1000), r -> {
                Thread t = new Thread(r, "wazzup-counter-refresh");
                t.setDaemon(true);
                return t;
            });

    /** @param client null when no API key is configured */
    public ChatService(WazzupClient client, Supplier<CrmDirectory> directory, Payloads payloads, Options options,
            Duration counterTtl, Duration responseTimeout, Clock clock) {
        this.client = client;
        this.directory = directory;
        this.payloads = payloads;
        this.options = new ChatWindowRequest.Options(options.clientType().isEmpty() ? null : options.clientType(),
                options.dealEvents() ? Boolean.TRUE : null, null);
        this.clock = clock;
        this.windowsPerMinute = options.windowsPerMinute();
        this.refresher.allowCoreThreadTimeOut(true);
        this.counters = new CounterCache(this::fetchCounter, counterTtl, responseTimeout.plusSeconds(1), clock, refresher);
    }

    /** Stops the background refreshes. */
    public void close() {
        refresher.shutdownNow();
    }

    @Override
    public URI global(String userId) {
        CrmUser user = user(userId);
        return open(ChatWindowRequest.global(new ChatWindowRequest.User(user.id(), user.name()), options));
    }

    @Override
    public URI contact(String userId, String contactId) {
        CrmUser user = user(userId);
        CrmContact contact = one(host(() -> dir().contacts(List.of(contactId))), "contact", contactId);
        List<ChatWindowRequest.Chat> chats = chats(List.of(contact));
        if (chats.isEmpty()) {
            throw new ChatWindowException(Reason.NO_CHAT, "The contact " + contact.name()
                    + " has no messenger to chat in: add a phone for WhatsApp or another messenger to the contact");
        }
        return open(ChatWindowRequest.card(new ChatWindowRequest.User(user.id(), user.name()), chats, options));
    }

    @Override
    public URI deal(String userId, String dealId) {
        CrmUser user = user(userId);
        CrmDeal deal = one(host(() -> dir().deals(List.of(dealId))), "deal", dealId);
        List<CrmContact> contacts = deal.contactIds().isEmpty() ? List.of() : host(() -> dir().contacts(deal.contactIds()));
        List<ChatWindowRequest.Chat> chats = chats(contacts);
        if (chats.isEmpty()) {
            throw new ChatWindowException(Reason.NO_CHAT, "No contact of the deal " + deal.name()
                    + " has a messenger to chat in: add a contact with a phone for WhatsApp or another messenger");
        }
        return open(ChatWindowRequest.card(new ChatWindowRequest.User(user.id(), user.name()), chats, options));
    }

    @Override
    public Unanswered of(String userId) {
        if (userId == null || userId.isBlank()) {
            throw new ChatWindowException(Reason.NOT_FOUND, "No user");
        }
        return counters.get(userId);
    }

    /** Whether the user's counter is being fetched again just now (the page may ask once more shortly). */
    public boolean counterRefreshing(String userId, Unanswered answered) {
        return counters.refreshing(userId, answered);
    }

    private volatile LiveCounters live;

    /** Where the counter fetches are counted (JMX). */
    public void counting(dev.crmbridge.wazzup.internal.util.Metrics metrics) {
        counters.counting(metrics);
    }

    /** The counter streams this service reports on ({@link #streams()}), or null when streaming is off. */
    public void live(LiveCounters live) {
        this.live = live;
    }

    @Override
    public dev.crmbridge.wazzup.api.chat.CounterStreams streams() {
        LiveCounters l = live;
        return l == null ? dev.crmbridge.wazzup.api.chat.CounterStreams.OFF
                : new dev.crmbridge.wazzup.api.chat.CounterStreams(true, l.streams(), l.users(), l.fetches(), l.pushes());
    }

    /** The user's counter as cached, without asking Wazzup; null when none yet. */
    Unanswered cachedCounter(String userId) {
        return counters.peek(userId);
    }

    /** Whether the user's cached counter is fresh (within its time to live, no message since). */
    boolean counterFresh(String userId) {
        return counters.fresh(userId);
    }

    /** Wazzup's counter as of a fetch begun at or after {@code sinceNanos}; see {@link CounterCache#fetchSince}. */
    Unanswered counterSince(String userId, long sinceNanos) {
        return counters.fetchSince(userId, sinceNanos);
    }

    /** Counters are refetched at their next use: a customer's message changes them. */
    public void messagesArrived() {
        counters.invalidateAll();
    }

    private Unanswered fetchCounter(String userId) {
        UnansweredCounter c = call(() -> api().unanswered().get(userId), "read the unanswered counter");
        Unanswered.Colour colour = c.count() == 0 || c.type() == null ? Unanswered.Colour.NONE
                : c.red() ? Unanswered.Colour.RED
                : "grey".equalsIgnoreCase(c.type()) || "gray".equalsIgnoreCase(c.type()) ? Unanswered.Colour.GREY
                : Unanswered.Colour.NONE;
        return new Unanswered(Math.max(0, c.count()), colour, c.lastMessageAt(), clock.instant());
    }

    private URI open(ChatWindowRequest request) {
        RateLimiter mine = windowsByUser.computeIfAbsent(request.user().id(),
                k -> new RateLimiter(windowsPerMinute, MINUTE, TimeSource.SYSTEM));
        if (!tryTake(mine)) {
            LOG.info("Wazzup chat: a user opened more than {} chat windows in a minute; refused with 429", windowsPerMinute);
            throw new ChatWindowException(Reason.BUSY, "You opened many chat windows in a short time; wait a few "
                    + "seconds and try again");
        }
        return call(() -> api().chatWindows().open(request), "open the chat window");
    }

    private static boolean tryTake(RateLimiter limiter) {
        try {
            return limiter.tryAcquire(Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The card's chats in Wazzup's terms, each once, in the contacts' order. */
    private List<ChatWindowRequest.Chat> chats(List<CrmContact> contacts) {
        Map<String, ChatWindowRequest.Chat> out = new LinkedHashMap<>();
        for (CrmContact c : contacts) {
            for (ChatHandle h : c.chats()) {
                WzChatHandle w = payloads.handle(h);
                if (w != null) {
                    out.putIfAbsent(w.chatType() + ":" + w.chatId() + ":" + w.username() + ":" + w.phone(),
                            new ChatWindowRequest.Chat(w.chatType(), w.chatId(), c.name(), w.username(), w.phone(), null));
                }
            }
        }
        return new ArrayList<>(out.values());
    }

    private CrmUser user(String userId) {
        if (userId == null || userId.isBlank()) {
            throw new ChatWindowException(Reason.NOT_FOUND, "No user");
        }
        return one(host(() -> dir().users(List.of(userId))), "user", userId);
    }

    /** A read from the host's directory; its failure is told as such. */
    private static <T> T host(Call<T> read) {
        try {
            return read.run();
        } catch (ChatWindowException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.warn("Wazzup chat: the CRM's directory failed", e);
            throw new ChatWindowException(Reason.UNAVAILABLE, "The CRM could not provide the data; try again");
        }
    }

    private CrmDirectory dir() {
        CrmDirectory d = directory.get();
        if (d == null) {
            throw new ChatWindowException(Reason.NOT_CONFIGURED, "The CRM has not registered its directory with the "
                    + "Wazzup connector yet");
        }
        return d;
    }

    private WazzupClient api() {
        if (client == null) {
            throw new ChatWindowException(Reason.NOT_CONFIGURED,
                    "Wazzup is not connected yet: an administrator must set the API key or connect by button");
        }
        return client;
    }

    private static <T> T one(List<T> found, String what, String id) {
        if (found == null || found.isEmpty()) {
            throw new ChatWindowException(Reason.NOT_FOUND, "No " + what + " " + id + " in the CRM");
        }
        return found.get(0);
    }

    private interface Call<T> {
        T run();
    }

    /** Runs a Wazzup call; its failures become what a manager can be told (never a key). */
    private static <T> T call(Call<T> call, String what) {
        try {
            return call.run();
        } catch (ChatWindowException e) {
            throw e;
        } catch (RateLimitedException e) {
            LOG.info("Wazzup chat: could not {}: {}", what, e.getMessage());
            throw new ChatWindowException(Reason.BUSY, "Wazzup is busy with many requests just now; try again in a few seconds");
        } catch (UnauthorizedException e) {
            LOG.warn("Wazzup chat: could not {}: Wazzup refused the API key", what);
            throw new ChatWindowException(Reason.UNAVAILABLE,
                    "Wazzup refused the connector's API key: an administrator must check it");
        } catch (InvalidDataException | NotFoundException e) {
            LOG.warn("Wazzup chat: could not {}: Wazzup answered {} {}", what, e.status(), e.errorCode());
            throw new ChatWindowException(Reason.REJECTED, "Wazzup refused to " + what + ": "
                    + (e.description() == null ? e.errorCode() : e.description())
                    + " (is the user synced to Wazzup and given a role there?)");
        } catch (WazzupException e) {
            LOG.warn("Wazzup chat: could not {}: {}", what, e.getMessage());
            throw new ChatWindowException(Reason.UNAVAILABLE, "Wazzup cannot be reached just now; try again in a moment");
        }
    }
}
