package dev.crmbridge.wazzup.internal.message;

import dev.crmbridge.wazzup.api.event.WazzupEvents;
import dev.crmbridge.wazzup.api.message.MessageException;
import dev.crmbridge.wazzup.api.message.MessageState;
import dev.crmbridge.wazzup.api.message.MessageStatus;
import dev.crmbridge.wazzup.api.message.Messages;
import dev.crmbridge.wazzup.api.message.OutgoingMessage;
import dev.crmbridge.wazzup.internal.client.MessagesApi;
import dev.crmbridge.wazzup.internal.client.WazzupException;
import dev.crmbridge.wazzup.internal.store.SendTable;
import dev.crmbridge.wazzup.internal.store.SendTable.SendRow;
import dev.crmbridge.wazzup.internal.store.Store;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * {@link Messages} over the store's queue: {@link #send} records and returns; the leader's
 * {@link MessageSender} sends. Works on every node of a cluster (the queue is shared).
 */
public final class MessageService implements Messages {

    private final Store store;
    private final Supplier<MessagesApi> api;
    private final Supplier<EventAdmin> events;
    private final Runnable queued;
    private final Executor executor;
    private final Clock clock;

    /**
     * @param api the client's messages, or null without a key
     * @param queued run after a message was recorded (wakes the sender, tells the leader)
     * @param executor where edits and deletes run
     */
    public MessageService(Store store, Supplier<MessagesApi> api, Supplier<EventAdmin> events, Runnable queued,
            Executor executor, Clock clock) {
        this.store = store;
        this.api = api;
        this.events = events;
        this.queued = queued;
        this.executor = executor;
        this.clock = clock;
    }

    @Override
    public String send(OutgoingMessage message) {
        if (message == null) {
            throw new IllegalArgumentException("no message");
        }
        String id = message.id() != null ? message.id() : UUID.randomUUID().toString();
        String route = route(message);
        boolean added;
        try {
            added = store.sends().add(id, route, MessageCodec.write(message, id), message.contactId(),
                    message.chatType(), message.chatId(), message.channelId(), clock.millis());
        } catch (RuntimeException e) {
            // not chained: a database's message may quote the row, and with it the message's text
            throw new IllegalStateException("the connector's store could not record the message now ("
                    + e.getClass().getSimpleName() + "); nothing was recorded");
        }
        if (added) {
            post(events, store.sends().get(id));
            queued.run();
        }
        return id;
    }

    /** Sends to one chat keep their order: the key of the chat a message goes to. */
    static String route(OutgoingMessage m) {
        if (m.contactId() != null) {
            return "contact:" + m.contactId();
        }
        String who = m.chatId() != null ? m.chatId() : m.phone() != null ? "phone:" + m.phone() : "user:" + m.username();
        return "chat:" + m.chatType() + ":" + who;
    }

    @Override
    public Optional<MessageState> state(String id) {
        SendRow row = id == null ? null : store.sends().get(id);
        return Optional.ofNullable(row).map(MessageService::state);
    }

    @Override
    public List<MessageState> recent(int limit) {
        return store.sends().recent(Math.min(Math.max(limit, 1), 1_000)).stream().map(MessageService::state).toList();
    }

    @Override
    public CompletionStage<Void> edit(String id, String text, String crmUserId) {
        if (text == null || text.isBlank()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("the new text is blank"));
        }
        return withSent(id, (a, messageId) -> a.edit(messageId, text, null, crmUserId));
    }

    @Override
    public CompletionStage<Void> delete(String id) {
        return withSent(id, MessagesApi::delete);
    }

    private interface Call {
        void run(MessagesApi api, String messageId);
    }

    private CompletionStage<Void> withSent(String id, Call call) {
        return CompletableFuture.runAsync(() -> {
            SendRow row = store.sends().get(id);
            if (row == null) {
                throw new IllegalArgumentException("no message " + id + " was sent through the connector");
            }
            if (row.messageId() == null) {
                throw new IllegalStateException("message " + id + " is " + row.status()
                        + (row.status().equals("SENT") ? " but Wazzup did not tell its id (a retry met its duplicate guard)" : ""));
            }
            MessagesApi a = api.get();
            if (a == null) {
                throw new MessageException(null, "the connector has no Wazzup API key");
            }
            try {
                call.run(a, row.messageId());
            } catch (WazzupException e) {
                throw new MessageException(e.errorCode(), e.getMessage());
            }
        }, executor);
    }

    static MessageState state(SendRow r) {
        return new MessageState(r.crmId(), status(r.status()), r.messageId(), r.contactId(), r.channelId(), r.chatType(),
                r.chatId(), r.errorCode(), r.errorText(), r.attempts(), Instant.ofEpochMilli(r.queuedAt()),
                Instant.ofEpochMilli(r.updatedAt()));
    }

    private static MessageStatus status(String s) {
        try {
            return MessageStatus.valueOf(s);
        } catch (IllegalArgumentException e) {
            return MessageStatus.UNKNOWN;
        }
    }

    /** Posts the message's {@code STATUS_CHANGED} event as it stands in {@code row} (asynchronously). */
    static void post(Supplier<EventAdmin> events, SendRow row) {
        EventAdmin admin = events.get();
        if (admin == null || row == null) {
            return;
        }
        admin.postEvent(new Event(WazzupEvents.TOPIC_MESSAGE_STATUS_CHANGED, properties(row, null)));
    }

    /** The properties of a send's status event; {@code base} (a webhook's event) first, when given. */
    static Map<String, Object> properties(SendRow row, Map<String, Object> base) {
        Map<String, Object> p = base == null ? new HashMap<>() : new HashMap<>(base);
        p.put(WazzupEvents.PROPERTY_CRM_MESSAGE_ID, row.crmId());
        p.put(WazzupEvents.PROPERTY_OUTCOME, row.status());
        p.putIfAbsent(WazzupEvents.PROPERTY_STATUS, row.status().toLowerCase(java.util.Locale.ROOT));
        putIf(p, WazzupEvents.PROPERTY_MESSAGE_ID, row.messageId());
        putIf(p, WazzupEvents.PROPERTY_CONTACT_ID, row.contactId());
        putIf(p, WazzupEvents.PROPERTY_CHANNEL_ID, row.channelId());
        putIf(p, WazzupEvents.PROPERTY_CHAT_TYPE, row.chatType());
        putIf(p, WazzupEvents.PROPERTY_CHAT_ID, row.chatId());
        if (row.errorCode() != null) {
            p.put(WazzupEvents.PROPERTY_ERROR_CODE, row.errorCode());
        }
        if (row.errorText() != null && !"QUEUED".equals(row.status())) {
            p.putIfAbsent(WazzupEvents.PROPERTY_ERROR_DESCRIPTION, row.errorText());
        }
        return p;
    }

    private static void putIf(Map<String, Object> p, String key, String value) {
        if (value != null) {
            p.putIfAbsent(key, value);
        }
    }

    /** The table, for the sender and the status hook. */
    public SendTable table() {
        return store.sends();
    }
}
