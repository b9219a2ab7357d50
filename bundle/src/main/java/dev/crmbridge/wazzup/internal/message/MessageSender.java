package dev.crmbridge.wazzup.internal.message;

import dev.crmbridge.wazzup.api.message.Channel;
import dev.crmbridge.wazzup.api.message.MessageButton;
import dev.crmbridge.wazzup.api.message.OutgoingMessage;
import dev.crmbridge.wazzup.api.model.ChatHandle;
import dev.crmbridge.wazzup.api.model.CrmContact;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.internal.client.MessagesApi;
import dev.crmbridge.wazzup.internal.client.MessagesApi.Attempt;
import dev.crmbridge.wazzup.internal.client.SendMessage;
import dev.crmbridge.wazzup.internal.client.WazzupClient;
import dev.crmbridge.wazzup.internal.client.WzChatHandle;
import dev.crmbridge.wazzup.internal.sync.Payloads;
import dev.crmbridge.wazzup.internal.cluster.Leadership;
import dev.crmbridge.wazzup.internal.store.Fence;
import dev.crmbridge.wazzup.internal.store.FencedException;
import dev.crmbridge.wazzup.internal.store.SendTable;
import dev.crmbridge.wazzup.internal.store.SendTable.SendRow;
import dev.crmbridge.wazzup.internal.store.Store;
import dev.crmbridge.wazzup.internal.store.StoreException;
import dev.crmbridge.wazzup.internal.util.Worker;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.osgi.service.event.EventAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works off the queue of messages on the account's leader: the oldest due message of each chat, several
 * chats at once, each attempt marked in the store before it leaves and settled after. A repeat goes only
 * where it is safe: after an answer that proves nothing was sent, at any time; after a lost answer, only
 * while Wazzup's duplicate guard of the same {@code crmMessageId} lasts ({@link #GUARD}, under its 60 s);
 * past that the message ends {@code UNKNOWN}. An outage pauses the whole queue instead of every message
 * knocking on its own.
 */
public final class MessageSender {

    private static final Logger LOG = LoggerFactory.getLogger(MessageSender.class);
    /** How long after a first unanswered attempt a repeat is still caught by Wazzup's 60-second guard, with room for clocks. */
    public static final Duration GUARD = Duration.ofSeconds(50);
    /** The configured window ({@link #GUARD} by default). */
    private final long guard;
    /** The longest pause after an outage or a refused key. */
    static final long MAX_PAUSE = 30_000;
    /** How often a follower (or an idle leader in a cluster) looks at the queue. */
    private static final long POLL = 1_000;
    /** Our own codes, for what never reached Wazzup (documented in the README). */
    static final String NO_CONTACT = "CONTACT_NOT_FOUND";
    static final String NO_CHAT = "NO_CHAT_HANDLE";
    static final String NO_CHANNEL = "NO_CHANNEL";
    static final String UNREADABLE = "UNREADABLE";

    private final Store store;
    private final Fence fence;
    private final Leadership leadership;
    private final WazzupClient client;
    private final Supplier<CrmDirectory> directory;
    private final ChannelRegistry channels;
    private final Payloads payloads;
    private final Supplier<EventAdmin> events;
    private final Clock clock;
    private final int parallel;
    private final Worker worker;
    private final ExecutorService pool;
    /** How long settled messages are kept (their text and file links leave the store after). */
    static final Duration KEEP = Duration.ofDays(30);
    /** When the next purge of settled messages is due. */
    private long nextPurge;
    /** Consecutive outage answers: the pause grows with them. */
    private int outages;
    private volatile String problem;
    /** Told the chat (type, id) of each message sent with clearUnanswered: its counters changed. */
    private volatile java.util.function.BiConsumer<String, String> cleared = (type, id) -> { };

    public MessageSender(Store store, Fence fence, Leadership leadership, WazzupClient client,
            Supplier<CrmDirectory> directory, ChannelRegistry channels, Payloads payloads, Supplier<EventAdmin> events,
            Clock clock, int parallel, Duration guard) {
        this.guard = guard.toMillis();
        this.payloads = payloads;
        this.store = store;
        this.fence = fence;
        this.leadership = leadership;
        this.client = client;
        this.directory = directory;
        this.channels = channels;
        this.events = events;
        this.clock = clock;
        this.parallel = Math.max(1, parallel);
        this.worker = new Worker("the Wazzup message sender", this::pass, Duration.ofSeconds(1), Duration.ofSeconds(30));
        this.pool = Executors.newFixedThreadPool(this.parallel, r -> {
            Thread t = new Thread(r, "the Wazzup message sender's pool");
            t.setDaemon(true);
            return t;
        });
    }

    public void start() {
        worker.start();
    }

    /** What hears of a message sent with {@code clearUnanswered} (its chat's type and id): the live counter. */
    public void whenCleared(java.util.function.BiConsumer<String, String> cleared) {
        this.cleared = cleared;
    }

    /** A message was queued (here or, signalled, on another node). */
    public void wake() {
        worker.wake();
    }

    public void stop() {
        worker.stop();
        pool.shutdown(); // not interrupted: a thread in the embedded database's code would close its file
    }

    public boolean join(Duration timeout) {
        return worker.join(timeout);
    }

    /** What keeps messages from going out now, in words, or null. */
    public String problem() {
        return problem;
    }

    private void pass() throws InterruptedException {
        Fence.Term term = leadership.term();
        if (client == null || term == null || !term.valid() || !fence.open()) {
            worker.await(POLL);
            return;
        }
        Store mine = store.fenced(fence.whileLeading(term));
        SendTable table = mine.sends();
        long now = clock.millis();
        List<SendRow> due;
        try {
            due = table.due(now, 500);
        } catch (StoreException | FencedException e) {
            worker.await(POLL);
            return;
        }
        if (due.isEmpty()) {
            problem = null;
            long next = table.nextDueAfter(now);
            long idle = leadership.clustered() ? POLL : 60_000;
            worker.await(Math.max(1, Math.min(idle, next == Long.MAX_VALUE ? idle : next - now)));
            return;
        }
        if (now >= nextPurge) {
            nextPurge = now + 600_000L;
            table.purge(now - KEEP.toMillis(), now - 600_000L);
        }
        // the oldest of each chat (the table answers only those): sends to one chat keep their order
        Map<String, SendRow> first = new LinkedHashMap<>();
        for (SendRow r : due) {
            first.putIfAbsent(r.route(), r);
        }
        List<SendRow> round = new ArrayList<>(first.values());
        boolean outage = false;
        boolean failed = false;
        for (int i = 0; i < round.size() && !outage && worker.running(); i += parallel * 4) {
            List<Future<Boolean>> inFlight = new ArrayList<>();
            for (SendRow r : round.subList(i, Math.min(round.size(), i + parallel * 4))) {
                inFlight.add(pool.submit(() -> one(mine, r, term)));
            }
            for (Future<Boolean> f : inFlight) {
                try {
                    outage |= f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof FencedException) {
                        return; // the term ended: the new leader goes on from the store
                    }
                    LOG.warn("Wazzup messages: a send failed unexpectedly: {}", c.getClass().getName());
                    failed = true;
                }
            }
        }
        if (outage) {
            outages++;
            // growing by a second a time: a long outage costs a probe now and then, and its end is noticed soon
            long pause = Math.min(MAX_PAUSE, 1_000L * outages);
            worker.await(pause);
        } else if (failed) {
            worker.await(POLL); // the store or the directory failed: not again at once
        } else {
            outages = 0;
        }
    }

    /** Sends one message; answers true when Wazzup could not be reached (the queue pauses). */
    private boolean one(Store mine, SendRow row, Fence.Term term) {
        SendTable table = mine.sends();
        long now = clock.millis();
        if (row.doubtSince() != null && now - row.doubtSince() >= guard) {
            // an attempt may have reached Wazzup, and its guard is over: a repeat could be a second message
            settle(table, row, "UNKNOWN", null, "an attempt's answer was lost " + (now - row.doubtSince()) / 1000
                    + " s ago, past Wazzup's duplicate guard: not sent again", now);
            return false;
        }
        OutgoingMessage m;
        try {
            m = MessageCodec.read(row.body());
        } catch (RuntimeException e) {
            settle(table, row, "FAILED", UNREADABLE, "the recorded message cannot be read: " + e.getClass().getSimpleName(), now);
            return false;
        }
        Target target;
        try {
            target = target(m);
        } catch (Unsendable u) {
            if (u.pauseAll) {
                problem = "messages wait: " + u.getMessage();
                return true; // nothing can go now: the queue pauses, the message keeps its place
            }
            if (u.retryable) {
                table.notSent(row.crmId(), row.doubtSince(), now + 30_000, u.getMessage(), now);
                problem = u.getMessage();
            } else {
                settle(table, row, "FAILED", u.code, u.getMessage(), now);
            }
            return false;
        }
        SendMessage request = request(m, row.crmId(), target);
        table.attempt(row.crmId(), target.channelId, target.chatType, target.chatId, now);
        long since = row.doubtSince() != null ? row.doubtSince() : Long.MAX_VALUE;
        Attempt outcome;
        try {
            // checked right before the request leaves, after the wait for the budget: this node still leads in
            // the term the message was picked under, and a repeat is still inside Wazzup's duplicate guard
            outcome = client.gated(() -> {
                if (!term.valid() || leadership.term() != term) {
                    throw new FencedException("this node does not lead the account now: nothing may go to Wazzup");
                }
                if (since != Long.MAX_VALUE && clock.millis() - since >= guard) {
                    throw new GuardOver();
                }
            }).messages().attempt(request);
        } catch (GuardOver over) {
            long late = clock.millis();
            settle(table, row, "UNKNOWN", null, "an attempt's answer was lost " + (late - since) / 1000
                    + " s ago, past Wazzup's duplicate guard: not sent again", late);
            return false;
        }
        long after = clock.millis();
        if (outcome instanceof Attempt.Accepted a) {
            table.sent(row.crmId(), a.messageId(), a.chatId(), after);
            MessageService.post(events, table.get(row.crmId()));
            if (a.messageId() != null) {
                // statuses Wazzup sent before this 201 was recorded
                table.early(a.messageId(), after).forEach(moved -> MessageService.post(events, moved));
            }
        } else if (outcome instanceof Attempt.Repeated) {
            LOG.info("Wazzup messages: message {} met the duplicate guard: an earlier attempt was accepted", row.crmId());
            table.sent(row.crmId(), null, null, after);
            MessageService.post(events, table.get(row.crmId()));
        }
        if ((outcome instanceof Attempt.Accepted || outcome instanceof Attempt.Repeated) && m.clearUnanswered()) {
            // Wazzup reset the chat's counters, and may not echo an API send by webhook (§8.4)
            try {
                cleared.accept(target.chatType, target.chatId);
            } catch (RuntimeException e) {
                LOG.warn("Wazzup messages: the live counter could not hear of a reply ({}); pages catch up at their next"
                        + " refresh", e.toString());
            }
        }
        if (outcome instanceof Attempt.Refused r) {
            if (r.code() != null && (r.code().startsWith("CHANNEL_") || r.code().equals("MESSAGE_CHANNEL_UNAVAILABLE"))) {
                channels.stale(); // what this node knows of the channels is old: read them before the next send
            }
            settle(table, row, "FAILED", r.code(), r.description(), after);
        } else if (outcome instanceof Attempt.NotSent n) {
            long pause = n.keyRefused() ? MAX_PAUSE : 1_000;
            table.notSent(row.crmId(), row.doubtSince(), after + pause, n.why(), after);
            problem = "messages wait: " + n.why();
            return !n.why().contains("429");
        } else if (outcome instanceof Attempt.InDoubt d) {
            long first = row.doubtSince() != null ? row.doubtSince() : now;
            if (after - first >= guard) {
                settle(table, row, "UNKNOWN", null, d.why() + ", and Wazzup's duplicate guard is over: not sent again", after);
            } else {
                // again soon, while the guard still catches a repeat
                long next = Math.min(after + 2_000L * Math.max(1, row.attempts() + 1), first + guard - 1_000);
                table.inDoubt(row.crmId(), Math.max(after, next), d.why(), after);
                problem = "messages wait: " + d.why();
                return true;
            }
        }
        return false;
    }

    private void settle(SendTable table, SendRow row, String status, String code, String text, long now) {
        table.settle(row.crmId(), status, code, text, now);
        if ("UNKNOWN".equals(status)) {
            LOG.warn("Wazzup messages: message {} is UNKNOWN: {}", row.crmId(), text);
        } else {
            LOG.info("Wazzup messages: message {} {}: {} {}", row.crmId(), status, code, text == null ? "" : text);
        }
        MessageService.post(events, table.get(row.crmId()));
    }

    /** The repeat window closed while the attempt waited for the budget: it must not leave. */
    private static final class GuardOver extends RuntimeException {
        private static final long serialVersionUID = 1L;

        GuardOver() {
            super("past the repeat window", null, false, false);
        }
    }

    /** Where a message goes. */
    private record Target(String channelId, String chatType, String chatId, String phone, String username) {
    }

    /** A message that cannot be sent as it is: {@code retryable} when a channel may come back. */
    private static final class Unsendable extends Exception {
        private static final long serialVersionUID = 1L;
        final String code;
        final boolean retryable;
        final boolean pauseAll;

        Unsendable(String code, String message, boolean retryable) {
            this(code, message, retryable, false);
        }

        Unsendable(String code, String message, boolean retryable, boolean pauseAll) {
            super(message, null, false, false);
            this.code = code;
            this.retryable = retryable;
            this.pauseAll = pauseAll;
        }
    }

    private Target target(OutgoingMessage m) throws Unsendable {
        if (m.channelId() == null && channels.list().isEmpty() && channels.readAt() == Long.MIN_VALUE) {
            throw new Unsendable(null, "the account's channels could not be read from Wazzup yet", true, true);
        }
        if (m.contactId() == null) {
            // a raw chat, in Wazzup's form as the sync would send it (a phone's digits, no @)
            WzChatHandle w = payloads.handle(new ChatHandle(m.chatType(), m.chatId(), m.username(), m.phone()));
            if (w == null) {
                throw new Unsendable(NO_CHAT, "the message names no usable " + m.chatType() + " chat", false);
            }
            String channel = m.channelId() != null ? m.channelId() : channel(w.chatType(), null, m.templateId() != null).id();
            return new Target(channel, w.chatType(), w.chatId(), w.phone(), w.username());
        }
        CrmDirectory dir = directory.get();
        if (dir == null) {
            throw new Unsendable(null, "messages to contacts wait for the CRM's directory service", true);
        }
        List<CrmContact> found = dir.contacts(List.of(m.contactId()));
        if (found.isEmpty()) {
            throw new Unsendable(NO_CONTACT, "the CRM has no contact " + m.contactId(), false);
        }
        List<WzChatHandle> handles = new ArrayList<>();
        for (ChatHandle h : found.get(0).chats() == null ? List.<ChatHandle>of() : found.get(0).chats()) {
            WzChatHandle w = h == null ? null : payloads.handle(h);
            if (w != null) {
                handles.add(w);
            }
        }
        Set<String> types = new HashSet<>();
        Channel named = null;
        if (m.channelId() != null) {
            named = channels.list().stream().filter(c -> c.id().equals(m.channelId())).findFirst().orElse(null);
        }
        for (WzChatHandle h : handles) {
            if (m.chatType() != null && !m.chatType().equalsIgnoreCase(h.chatType())) {
                continue;
            }
            types.add(h.chatType());
            if (m.channelId() != null) {
                if (named == null || fits(named, h.chatType())) {
                    return new Target(m.channelId(), h.chatType(), h.chatId(), h.phone(), h.username());
                }
                continue;
            }
            Channel c = channelOrNull(h.chatType(), m.templateId() != null);
            if (c != null) {
                return new Target(c.id(), h.chatType(), h.chatId(), h.phone(), h.username());
            }
        }
        if (types.isEmpty()) {
            throw new Unsendable(NO_CHAT, "contact " + m.contactId() + " has no "
                    + (m.chatType() == null ? "" : m.chatType() + " ") + "chat handle", false);
        }
        if (m.channelId() != null) {
            // the named channel does not fit any handle: Wazzup says so with its own code
            WzChatHandle h = handles.stream().filter(x -> types.contains(x.chatType())).findFirst().orElseThrow();
            return new Target(m.channelId(), h.chatType(), h.chatId(), h.phone(), h.username());
        }
        channel(types.iterator().next(), types, m.templateId() != null); // none is active: says why
        throw new Unsendable(NO_CHANNEL, "no channel fits contact " + m.contactId(), false);
    }

    private Channel channel(String chatType, Set<String> types, boolean template) throws Unsendable {
        Channel c = channelOrNull(chatType, template);
        if (c != null) {
            return c;
        }
        String wanted = (template ? "WhatsApp Business (wapi) " : "") + (types == null ? chatType : String.join(" or ", types));
        boolean any = channels.list().stream().anyMatch(ch -> (!template || isWapi(ch))
                && (types == null ? Set.of(chatType) : types).stream().anyMatch(t -> fits(ch, t)));
        if (any) {
            throw new Unsendable(null, "no " + wanted + " channel of the account is active: messages wait", true);
        }
        throw new Unsendable(NO_CHANNEL, "the Wazzup account has no channel for " + wanted, false);
    }

    private static boolean isWapi(Channel c) {
        return "wapi".equalsIgnoreCase(c.transport());
    }

    /** An active channel for the chat type; for a template, a WhatsApp Business one (only they send templates). */
    private Channel channelOrNull(String chatType, boolean template) {
        for (Channel c : channels.list()) {
            if (c.active() && fits(c, chatType) && (!template || isWapi(c))) {
                return c;
            }
        }
        return null;
    }

    static boolean fits(Channel c, String chatType) {
        if (chatType == null) {
            return false;
        }
        String t = chatType.toLowerCase(Locale.ROOT);
        String base = switch (t) {
            case "whatsgroup" -> "whatsapp";
            case "telegroup" -> "telegram";
            case "maxgroup" -> "max";
            default -> t;
        };
        return ChannelRegistry.chatType(c.transport()).equals(base);
    }

    private static SendMessage request(OutgoingMessage m, String crmId, Target t) {
        Map<String, Object> buttons = null;
        if (!m.buttons().isEmpty()) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (MessageButton b : m.buttons()) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("text", b.text());
                if (b.type() != null) {
                    o.put("type", b.type());
                }
                if (b.payload() != null) {
                    o.put("payload", b.payload());
                }
                if (b.url() != null) {
                    o.put("url", b.url());
                }
                list.add(o);
            }
            buttons = Map.of("buttons", list);
        }
        String chatId = t.chatId();
        boolean byPhone = chatId == null && t.phone() != null;
        return new SendMessage(t.channelId(), t.chatType(), chatId, m.text(), m.contentUri(), m.refMessageId(),
                m.crmUserId(), crmId, chatId == null ? t.username() : null, byPhone ? t.phone() : null,
                m.clearUnanswered(), m.templateId(), m.templateValues().isEmpty() ? null : m.templateValues(), buttons);
    }
}
