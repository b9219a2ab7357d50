package dev.crmbridge.wazzup.internal.chat;

import dev.crmbridge.wazzup.api.chat.ChatWindowException;
import dev.crmbridge.wazzup.api.chat.Unanswered;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import javax.servlet.AsyncContext;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live unanswered counter: the open pages' {@link CounterStream}s by user, and what refreshes them.
 *
 * <p>A customer's message (or a manager's reply) in a chat makes the counters of that chat's responsible
 * users stale at once ({@link #messages}); every other user with an open page may see the chat too
 * (supervisors, quality control: grey counters), so they are refreshed as well, but together, at most once
 * per {@code greyWindow} while messages flow; a user whom such a refresh finds unchanged is refreshed for
 * the others' messages half as often each time, down to twice a minute, until a value changes. A new page
 * gets its user's cached value at once, and a fetch when that is stale. The values are always Wazzup's
 * ({@code GET /v3/unanswered/{userId}}); a page is sent one only when it differs from what it was sent last.
 *
 * <p>Fetches are single-flight per user (joined with the polling endpoint's through the {@link ChatService}'s
 * cache), a user's next fetch starts no sooner than {@code redWindow} (a responsible user, a new page) or
 * the user's grey window after the last one, however many messages arrive meanwhile, and all of them
 * together start at most {@code budget} per 5 seconds: new pages at most three quarters of it, the others'
 * refreshes at most half, so that a message in a user's own chat always finds room. Beyond that they wait,
 * the most urgent first. One thread schedules; a few run the fetches; no thread is held by an open stream.
 */
public final class LiveCounters implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LiveCounters.class);
    private static final long BUDGET_WINDOW = Duration.ofSeconds(5).toNanos();
    private static final long RETRY_AFTER_FAILURE = Duration.ofSeconds(5).toNanos();
    private static final long RETRY_WHEN_BUSY = Duration.ofMillis(500).toNanos();
    private static final long RETRY_MAX = Duration.ofMinutes(5).toNanos();
    private static final long GREY_BACKOFF_MAX = Duration.ofSeconds(30).toNanos();
    private static final int FETCHERS = 4;
    /** What a fetch is for, most urgent first: a message in the user's own chat, a new page, the others' messages. */
    private static final int MESSAGE = 0;
    private static final int PAGE = 1;
    private static final int GREY = 2;

    /**
     * @param heartbeat how often an idle stream is sent a comment line
     * @param redWindow the least time between two fetches of a responsible user's counter
     * @param greyWindow the least time between two refreshes of the other open pages' counters
     * @param budget how many fetches may start per 5 seconds, in all
     * @param maxPerUser how many streams one user may hold open (more: 429)
     * @param maxStreams how many streams this node holds open in all (more: 503)
     * @param maxAge after this a stream ends; the page connects again
     * @param channelKey a secret the pages' channel names are derived from (the same on every node)
     */
    public record Options(Duration heartbeat, Duration redWindow, Duration greyWindow, int budget, int maxPerUser,
            int maxStreams, Duration maxAge, String channelKey) {
    }

    /** Why a stream was not opened. */
    public enum Refusal {
        TOO_MANY_FOR_USER, TOO_MANY, NO_ASYNC
    }

    private final class User {
        final String id;
        final Set<CounterStream> streams = ConcurrentHashMap.newKeySet();
        // the rest guarded by LiveCounters.this
        boolean pending;
        int priority = GREY; // of the pending fetch: MESSAGE, PAGE or GREY
        long pendingSince;
        long lastStart = Long.MIN_VALUE / 2;
        boolean inFlight;
        int opening; // streams being opened
        int failures; // fetches failed in a row
        boolean greyFetch; // the fetch under way was not for the user's own chats
        String lastValue; // what the last fetch answered
        long greyEvery = options.greyWindow().toNanos(); // grows while grey refreshes find nothing new

        User(String id) {
            this.id = id;
        }
    }

    private final ChatService chats;
    private final Options options;
    private final Map<String, User> users = new ConcurrentHashMap<>();
    private final AtomicLong streamCount = new AtomicLong();
    private final AtomicLong fetches = new AtomicLong();
    private final AtomicLong pushes = new AtomicLong();
    private final Deque<Long> starts = new ArrayDeque<>(); // guarded by this
    private boolean greyPending; // guarded by this
    private long greySince; // guarded by this
    private long lastGreySweep = Long.MIN_VALUE / 2; // guarded by this
    private int running; // fetches under way; guarded by this
    private boolean stopped; // guarded by this
    private final Thread scheduler;
    private final ExecutorService fetchers;

    public LiveCounters(ChatService chats, Options options) {
        this.chats = chats;
        this.options = options;
        java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(FETCHERS, FETCHERS, 30,
                java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "wazzup-live-counter-fetch");
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true); // no thread kept while nothing is fetched
        this.fetchers = pool;
        this.scheduler = new Thread(this::schedule, "wazzup-live-counters");
        this.scheduler.setDaemon(true);
        this.scheduler.start();
    }

    /**
     * Opens the signed-in user's stream on this request (the servlet has checked the session), or answers
     * why not, having written nothing.
     */
    public Refusal open(String userId, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!req.isAsyncSupported()) {
            return Refusal.NO_ASYNC; // a filter of the host's on the path is not asyncSupported
        }
        synchronized (this) {
            if (stopped || streamCount.get() >= options.maxStreams()) {
                return Refusal.TOO_MANY;
            }
            User u = users.get(userId);
            if (u != null && u.streams.size() + u.opening >= options.maxPerUser()) {
                return Refusal.TOO_MANY_FOR_USER;
            }
            users.computeIfAbsent(userId, User::new).opening++; // kept (not cleaned up) while it opens
            streamCount.incrementAndGet();
        }
        CounterStream s = null;
        boolean opened = false;
        try {
            resp.setStatus(200);
            resp.setContentType("text/event-stream");
            resp.setCharacterEncoding("UTF-8");
            resp.setHeader("Cache-Control", "no-cache, no-store");
            resp.setHeader("X-Accel-Buffering", "no"); // nginx: pass each event on at once
            AsyncContext context = req.startAsync();
            context.setTimeout(options.maxAge().toMillis());
            s = new CounterStream(userId, context, this::closed);
            Unanswered known = chats.cachedCounter(userId);
            // the page's EventSource waits 2 to 5 s before it connects again after the stream ended (jittered, so
            // that a node's restart is not followed by every page at once)
            String first = "retry: " + (2_000 + (int) (Math.random() * 3_000)) + "\n\n";
            if (known != null) {
                first += "event: counter\ndata: " + json(known) + "\n\n";
            }
            s.start(first, known == null ? null : json(known));
            opened = true;
            synchronized (this) {
                User u = users.get(userId);
                u.opening--;
                if (!s.closed()) { // published only once it can write
                    u.streams.add(s);
                }
                if (known == null || !chats.counterFresh(userId)) {
                    trigger(u, PAGE, System.nanoTime()); // a fresh value for the new page, within the user's window
                }
            }
            return null;
        } finally {
            if (!opened) {
                synchronized (this) {
                    users.get(userId).opening--;
                }
                if (s != null) {
                    s.close(); // the count goes down there
                } else {
                    streamCount.decrementAndGet();
                }
            }
        }
    }

    /** A stream ended (once per stream): forgotten, and counted out. */
    private void closed(CounterStream s) {
        synchronized (this) {
            User u = users.get(s.userId);
            if (u != null) {
                u.streams.remove(s);
            }
        }
        streamCount.decrementAndGet();
    }

    /**
     * Messages arrived in chats whose responsible users are {@code red} (null or empty: unknown, e.g. a new
     * client): those users' counters are fetched within their window; everybody else's within the grey one.
     */
    public void messages(Collection<String> red) {
        long now = System.nanoTime();
        if (red != null) {
            for (String id : red) {
                User u = users.get(id);
                if (u != null && !u.streams.isEmpty()) {
                    trigger(u, MESSAGE, now);
                }
            }
        }
        synchronized (this) {
            if (!greyPending) {
                greyPending = true;
                greySince = now;
            }
            notifyAll();
        }
    }

    private synchronized void trigger(User u, int priority, long since) {
        if (!u.pending) {
            u.pending = true;
            u.pendingSince = since;
        }
        u.priority = Math.min(u.priority, priority);
        notifyAll();
    }

    /** The scheduler's loop: starts each due fetch when its user's window and the budget allow. */
    private void schedule() {
        while (true) {
            List<Go> go = new ArrayList<>();
            synchronized (this) {
                if (stopped) {
                    return;
                }
                long now = System.nanoTime();
                long wait = options.heartbeat().toNanos() / PING_PHASES;
                if (greyPending && now - lastGreySweep >= options.greyWindow().toNanos()) {
                    greyPending = false;
                    lastGreySweep = now;
                    for (User u : users.values()) {
                        if (!u.streams.isEmpty() && !u.pending) {
                            u.pending = true;
                            u.pendingSince = greySince;
                        }
                    }
                } else if (greyPending) {
                    wait = Math.min(wait, lastGreySweep + options.greyWindow().toNanos() - now);
                }
                while (!starts.isEmpty() && now - starts.peekFirst() >= BUDGET_WINDOW) {
                    starts.pollFirst();
                }
                // responsible users first, then the longest waiting
                List<User> due = new ArrayList<>();
                for (User u : users.values()) {
                    if (u.pending && !u.inFlight) {
                        if (u.streams.isEmpty()) {
                            u.pending = false; // nobody to tell
                            continue;
                        }
                        long window = u.priority < GREY ? options.redWindow().toNanos() : u.greyEvery;
                        long at = u.lastStart + window;
                        if (now - at >= 0) {
                            due.add(u);
                        } else {
                            wait = Math.min(wait, at - now);
                        }
                    }
                }
                due.sort((a, b) -> a.priority != b.priority ? Integer.compare(a.priority, b.priority)
                        : Long.compare(a.pendingSince, b.pendingSince));
                for (User u : due) {
                    if (running >= FETCHERS) {
                        break; // woken when one ends
                    }
                    // a new page's fetch may use three quarters of the budget, the others' refreshes half: the rest
                    // is kept for the responsible users of chats that just had a message
                    int limit = u.priority == MESSAGE ? options.budget()
                            : Math.max(1, options.budget() * (u.priority == PAGE ? 3 : 2) / 4);
                    if (starts.size() >= limit) {
                        wait = Math.min(wait, starts.peekFirst() + BUDGET_WINDOW - now);
                        break;
                    }
                    starts.addLast(now);
                    running++;
                    u.inFlight = true;
                    u.lastStart = now;
                    // taken with the flags in one step: a message arriving from now on is a new refresh
                    u.greyFetch = u.priority == GREY;
                    go.add(new Go(u, u.pendingSince));
                    u.pending = false;
                    u.priority = GREY;
                }
                if (go.isEmpty()) {
                    try {
                        long ms = Math.max(1, wait / 1_000_000);
                        wait(ms);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (System.nanoTime() - lastPing >= options.heartbeat().toNanos() / PING_PHASES) {
                    lastPing = System.nanoTime();
                    pingSoon = true;
                }
            }
            if (pingSoon) {
                pingSoon = false;
                ping(phase);
                phase = (phase + 1) % PING_PHASES;
            }
            for (Go g : go) {
                try {
                    fetchers.execute(() -> fetch(g.user, g.since));
                } catch (RejectedExecutionException stopping) {
                    return;
                }
            }
        }
    }

    /** A fetch to start: whose, and the earliest trigger it must answer. */
    private record Go(User user, long since) {
    }

    /**
     * Each stream is pinged once per heartbeat, a tenth of them at a time: a thousand tabs closed at once fail
     * their writes (and the server's callbacks run) spread over the heartbeat, not in one burst that would
     * make the HTTP server's pool grow.
     */
    private static final int PING_PHASES = 10;
    private long lastPing = System.nanoTime(); // the scheduler's own
    private boolean pingSoon; // the scheduler's own
    private int phase; // the scheduler's own

    private void fetch(User u, long since) {
        long failed = 0; // when failed, how long until the next try
        try {
            fetches.incrementAndGet();
            Unanswered value = chats.counterSince(u.id, since);
            String json = json(value);
            synchronized (this) {
                u.failures = 0;
                // a user whose counter the others' messages do not move (a manager of other chats) is asked less
                // and less often for them, down to twice a minute; a change brings the window back
                u.greyEvery = u.greyFetch && json.equals(u.lastValue)
                        ? Math.min(u.greyEvery * 2, Math.max(GREY_BACKOFF_MAX, options.greyWindow().toNanos()))
                        : options.greyWindow().toNanos();
                u.lastValue = json;
            }
            for (CounterStream s : u.streams) {
                if (s.counter(json)) {
                    pushes.incrementAndGet();
                }
            }
        } catch (ChatWindowException e) {
            // the budget's chat share in use (a cluster's follower starts with a small one): soon; else 5 s,
            // doubling with each failure in a row up to 5 minutes (a user Wazzup does not know, no key, an outage)
            failed = e.reason() == ChatWindowException.Reason.BUSY ? RETRY_WHEN_BUSY : backoff(u);
            LOG.debug("Wazzup live counter: a user's counter not read ({}); asked again in {} ms", e.reason(),
                    failed / 1_000_000);
        } catch (RuntimeException e) {
            failed = backoff(u);
            LOG.warn("Wazzup live counter: a refresh failed", e);
        } finally {
            synchronized (this) {
                running--;
                u.inFlight = false;
                if (failed > 0) {
                    // not at once: the user's next fetch no sooner than the pause from now
                    u.lastStart = System.nanoTime() + failed - options.redWindow().toNanos();
                    if (!u.pending) {
                        u.pending = true;
                        u.pendingSince = since;
                    }
                    u.priority = Math.min(u.priority, PAGE); // owed a value, as a new page is
                }
                notifyAll();
            }
        }
    }

    private synchronized long backoff(User u) {
        u.failures = Math.min(u.failures + 1, 20);
        return Math.min(RETRY_AFTER_FAILURE << Math.min(u.failures - 1, 6), RETRY_MAX);
    }

    private void ping(int phase) {
        for (User u : users.values()) {
            for (CounterStream s : u.streams) {
                if (Math.floorMod(System.identityHashCode(s), PING_PHASES) == phase) {
                    s.ping(); // a write: outside the lock
                }
            }
        }
        synchronized (this) {
            users.values().removeIf(u -> u.streams.isEmpty() && u.opening == 0 && !u.inFlight && !u.pending);
        }
    }

    static String json(Unanswered u) {
        StringBuilder b = new StringBuilder("{\"count\":").append(u.count()).append(",\"colour\":\"")
                .append(u.colour().name().toLowerCase(Locale.ROOT)).append("\",\"lastMessageAt\":");
        b.append(u.lastMessageAt() == null ? "null" : "\"" + u.lastMessageAt() + "\"");
        return b.append('}').toString();
    }

    /**
     * The name under which the tabs of one user in one browser share a stream: derived from the user's id
     * with a keyed hash, so it names nobody and no other user's tabs can take it.
     */
    public String channel(String userId) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(("wazzup-counter-channel:" + options.channelKey())
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] h = mac.doFinal(userId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(h, 0, 12);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** Streams open on this node. */
    public long streams() {
        return streamCount.get();
    }

    /** Users with an open stream on this node. */
    public int users() {
        int n = 0;
        for (User u : users.values()) {
            n += u.streams.isEmpty() ? 0 : 1;
        }
        return n;
    }

    /** Counter fetches made for the streams since start. */
    public long fetches() {
        return fetches.get();
    }

    /** Counter events written to streams since start. */
    public long pushes() {
        return pushes.get();
    }

    /** Ends every stream (their pages connect again, to wherever the connector runs then) and the threads. */
    @Override
    public void close() {
        synchronized (this) {
            stopped = true;
            notifyAll();
        }
        fetchers.shutdownNow();
        List<CounterStream> all = new ArrayList<>();
        users.values().forEach(u -> all.addAll(u.streams));
        all.forEach(CounterStream::close);
        users.clear();
        try {
            scheduler.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
