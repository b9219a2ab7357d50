package dev.crmbridge.wazzup.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crmbridge.wazzup.emulator.model.Channel;
import dev.crmbridge.wazzup.emulator.model.ChatMessage;
import dev.crmbridge.wazzup.emulator.model.ChatMessage.MessageError;
import dev.crmbridge.wazzup.emulator.model.Delivery;
import dev.crmbridge.wazzup.emulator.model.SendFailure;
import dev.crmbridge.wazzup.emulator.model.Template;
import dev.crmbridge.wazzup.emulator.model.User;
import dev.crmbridge.wazzup.emulator.model.WebhookSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * An account's outgoing messages (§10.2–§10.4, §8.4, §8.5): sending, editing and deleting through the
 * API, the statuses that follow, planned failures, and the {@code messages}/{@code statuses} webhook
 * bodies. State changes under the account's lock; webhooks are delivered outside it.
 */
final class Messaging {

    /** The outcome of an accepted {@code POST /v3/message}. */
    record Sent(String messageId, String chatId, ChatMessage message) {
    }

    /** A status a message reaches: when, and why for {@code error}. */
    record Change(String messageId, String status, MessageError error, Instant at) {
    }

    private final WazzupEmulator emulator;
    private final Account account;
    private final Map<String, Instant> crmMessageIds = new HashMap<>(); // guarded by account
    private final List<SendFailure> failures = new ArrayList<>(); // guarded by account
    private volatile boolean progression = true;

    Messaging(WazzupEmulator emulator, Account account) {
        this.emulator = emulator;
        this.account = account;
    }

    // ------------------------------------------------------------------ POST /v3/message

    Sent send(JsonNode body, boolean sidecar) {
        if (!body.isObject()) {
            throw ApiError.message("INVALID_MESSAGE_DATA", "Message data is invalid", null);
        }
        List<String> fields = new ArrayList<>();
        String channelId = text(body, "channelId");
        String chatType = text(body, "chatType");
        if (channelId == null) {
            fields.add("channelId");
        }
        if (chatType == null) {
            fields.add("chatType");
        }
        boolean byHandle = ("telegram".equals(chatType) && (text(body, "phone") != null || text(body, "username") != null))
                || ("max".equals(chatType) && text(body, "phone") != null);
        if (text(body, "chatId") == null && !byHandle) {
            fields.add("chatId");
        }
        if (!fields.isEmpty()) {
            throw ApiError.message("INVALID_MESSAGE_DATA", "Message data is invalid", Map.of("fields", fields));
        }
        boolean hasText = body.hasNonNull("text");
        boolean hasContent = body.hasNonNull("contentUri");
        String text = hasText ? body.get("text").asText() : null;
        String content = hasContent ? body.get("contentUri").asText() : null;
        MessageRules.TemplateRef template = null;
        if (text(body, "templateId") != null) {
            // lenient: a text beside templateId is ignored, a contentUri is the header's file
            template = new MessageRules.TemplateRef(text(body, "templateId"), Templates.values(body.get("templateValues")));
        } else if (MessageRules.isTemplateText(text)) {
            template = MessageRules.parseTemplateText(text);
        } else {
            if (hasText && hasContent) {
                throw ApiError.message("MESSAGE_ONLY_TEXT_OR_CONTENT", "Send either text or contentUri, not both", null);
            }
            if (!hasText && !hasContent) {
                throw ApiError.message("MESSAGE_NOTHING_TO_SEND", "Nothing to send: text or contentUri is required", null);
            }
            if (hasText && text.isBlank()) {
                throw ApiError.message("MESSAGES_TEXT_CAN_NOT_BE_BLANK", "Text can not be blank", null);
            }
        }
        if (hasContent && !content.matches("https?://.+")) {
            throw ApiError.message("MESSAGES_CONTENT_CAN_NOT_BE_BLANK", "contentUri must be a public http(s) URL", null);
        }
        Sent sent;
        WebhookSettings hooks;
        synchronized (account) {
            Channel channel = account.channel(channelId).orElseThrow(() -> ApiError.message("CHANNEL_NOT_FOUND",
                    "Channel not found", Map.of("channelId", channelId)));
            if (!Account.transportServes(channel.transport(), chatType)) {
                Map<String, String> data = new LinkedHashMap<>();
                data.put("channelId", channelId);
                data.put("transport", channel.transport());
                data.put("chatType", chatType);
                throw ApiError.message("WRONG_TRANSPORT", "You can't send message to " + chatType + " chat from "
                        + channel.transport() + " transport", data);
            }
            if (!channel.active()) {
                throw unavailable(channel);
            }
            String type;
            if (template != null) {
                Template t = account.templateStore().checkSend(channel, template, emulator.options());
                text = Templates.filledBody(t, template.values());
                type = "wapi_template";
            } else {
                if (hasText) {
                    MessageRules.checkLength(channel.transport(), text);
                }
                type = hasText ? "text" : MessageRules.contentType(content);
            }
            boolean buttons = MessageRules.checkButtons(body.get("buttonsObject"), channel.transport());
            Instant now = emulator.clock().instant();
            String crmMessageId = text(body, "crmMessageId");
            if (crmMessageId != null) {
                crmMessageIds.values().removeIf(
                        t -> Duration.between(t, now).toMillis() >= emulator.options().crmMessageIdWindowMillis);
                if (crmMessageIds.containsKey(crmMessageId)) {
                    throw ApiError.message("REPEATED_CRM_MESSAGE_ID",
                            "You have already sent message with same crmMessageId", Map.of("crmMessageId", crmMessageId));
                }
            }
            String ref = text(body, "refMessageId");
            if (ref != null && account.message(ref).isEmpty()) {
                throw ApiError.message("REFERENCE_MESSAGE_NOT_FOUND", "Quoted message not found",
                        Map.of("refMessageId", ref));
            }
            String chatId = text(body, "chatId");
            if (chatId == null) {
                // Telegram/MAX by phone or username: Wazzup answers with its chat GUID (§10.2)
                String handle = text(body, "phone") != null ? text(body, "phone") : text(body, "username");
                chatId = Ids.stableUuid(account.id() + "/" + chatType + "/" + handle);
            }
            String authorId = sidecar ? null : text(body, "crmUserId"); // §1.2: ignored with a sidecar key
            String authorName = authorId == null ? null : account.user(authorId).map(User::name).orElse(null);
            boolean clears = !body.has("clearUnanswered") || !"false".equals(body.get("clearUnanswered").asText());
            ChatMessage m = new ChatMessage(Ids.uuid(), channelId, chatType, chatId, now, type, text,
                    hasContent ? content : null, true, "sent", authorId, authorName, crmMessageId, true, clears, ref,
                    template == null ? null : template.templateId(), template == null ? null : template.values(),
                    buttons, false, false, null, null);
            account.addOutgoing(m);
            if (crmMessageId != null) {
                crmMessageIds.put(crmMessageId, now);
            }
            plan(m, takeFailure(chatType, chatId));
            sent = new Sent(m.messageId(), chatId, m);
            hooks = account.webhooks();
        }
        if (emulator.options().echoApiMessages && hooks.messagesAndStatuses()) {
            emulator.deliver(account, "messages", messagesBody(sent.message(), false));
        }
        return sent;
    }

    /**
     * §10.1: only {@code active} can send. The states with a code of their own in §10.4 get it; every
     * other state is MESSAGE_CHANNEL_UNAVAILABLE.
     */
    private static ApiError unavailable(Channel channel) {
        String state = channel.state() == null ? "" : channel.state().toLowerCase(Locale.ROOT);
        String code = switch (state) {
            case "notenoughmoney" -> "CHANNEL_NO_MONEY";
            case "blocked" -> "CHANNEL_BLOCKED";
            case "rejected" -> "CHANNEL_WAPI_REJECTED";
            default -> "MESSAGE_CHANNEL_UNAVAILABLE";
        };
        return ApiError.message(code, "Channel is not available: " + channel.state(),
                Map.of("channelId", channel.channelId(), "state", String.valueOf(channel.state())));
    }

    // ------------------------------------------------------------------ PATCH / DELETE /v3/message/{id}

    /** {@code PATCH /v3/message/{messageId}} (§10.3). */
    void edit(String messageId, JsonNode body, boolean sidecar) {
        if (!body.isObject()) {
            throw ApiError.message("INVALID_MESSAGE_DATA", "Message data is invalid", null);
        }
        boolean hasText = body.hasNonNull("text");
        boolean hasContent = body.hasNonNull("contentUri");
        if (hasText && hasContent) {
            throw ApiError.message("MESSAGES_ONLY_TEXT_OR_CONTENT", "Edit either text or contentUri, not both", null);
        }
        if (!hasText && !hasContent) {
            throw ApiError.message("MESSAGE_NOTHING_TO_SEND", "Nothing to edit: text or contentUri is required", null);
        }
        String text = hasText ? body.get("text").asText() : null;
        String content = hasContent ? body.get("contentUri").asText() : null;
        if (hasText && text.isBlank()) {
            throw ApiError.message("MESSAGES_TEXT_CAN_NOT_BE_BLANK", "Text can not be blank", null);
        }
        if (hasContent && !content.matches("https?://.+")) {
            throw ApiError.message("MESSAGES_CONTENT_CAN_NOT_BE_BLANK", "contentUri must be a public http(s) URL", null);
        }
        ChatMessage updated;
        synchronized (account) {
            ChatMessage m = outgoing(messageId);
            String transport = transport(m);
            if (transport.equals("wapi")) {
                throw ApiError.message("CHANNEL_INVALID_TRANSPORT_FOR_EDITING", "Messages of this channel can not be edited",
                        Map.of("transport", transport));
            }
            if (m.buttons()) {
                throw ApiError.message("MESSAGES_CONTAIN_BUTTONS", "A message with buttons can not be edited", null);
            }
            if (expired(m, emulator.options().messageEditWindowMillis)) {
                throw ApiError.message("MESSAGES_EDITING_TIME_EXPIRED", "The time to edit this message has passed", null);
            }
            if (hasText) {
                MessageRules.checkLength(transport, text);
            }
            String editor = sidecar ? null : text(body, "crmUserId");
            String authorId = editor != null ? editor : m.authorId();
            String authorName = editor != null ? account.user(editor).map(User::name).orElse(null) : m.authorName();
            updated = hasText ? m.withEdit(m.type(), text, m.contentUri(), authorId, authorName)
                    : m.withEdit(m.text() == null ? MessageRules.contentType(content) : m.type(), m.text(), content,
                            authorId, authorName);
            account.replaceMessage(updated);
        }
        echo(updated);
    }

    /** {@code DELETE /v3/message/{messageId}} (§10.3). */
    void delete(String messageId) {
        ChatMessage updated;
        synchronized (account) {
            ChatMessage m = outgoing(messageId);
            String transport = transport(m);
            if (transport.equals("wapi")) {
                throw ApiError.message("CHANNEL_INVALID_TRANSPORT_FOR_DELETION",
                        "Messages of this channel can not be deleted", Map.of("transport", transport));
            }
            if (expired(m, emulator.options().messageDeleteWindowMillis)) {
                throw ApiError.message("MESSAGES_DELETION_TIME_EXPIRED", "The time to delete this message has passed", null);
            }
            updated = m.withDeleted();
            account.replaceMessage(updated);
        }
        echo(updated);
    }

    /**
     * An outgoing message of the account that is not deleted. A customer's message and a deleted one
     * are MESSAGES_NOT_FOUND too: the route addresses only what the account sent and still shows.
     */
    private ChatMessage outgoing(String messageId) {
        return account.message(messageId).filter(m -> m.echo() && !m.deleted())
                .orElseThrow(() -> ApiError.message("MESSAGES_NOT_FOUND", "Message not found",
                        Map.of("messageId", messageId)));
    }

    private String transport(ChatMessage m) {
        return account.channel(m.channelId()).map(Channel::transport).orElse("");
    }

    /** A window of 0 or less is no limit. */
    private boolean expired(ChatMessage m, long windowMillis) {
        return windowMillis > 0
                && Duration.between(m.dateTime(), emulator.clock().instant()).toMillis() > windowMillis;
    }

    /** With {@code echoApiMessages}, an API edit or delete comes back as a {@code messages} item (§8.4). */
    private void echo(ChatMessage m) {
        if (emulator.options().echoApiMessages && account.webhooks().messagesAndStatuses()) {
            emulator.deliver(account, "messages", messagesBody(m, false));
        }
    }

    // ------------------------------------------------------------------ statuses (§8.5)

    /** Plans the statuses of a new send: a failure's {@code error}, or sent → delivered → read. */
    private void plan(ChatMessage m, SendFailure failure) {
        EmulatorOptions o = emulator.options();
        StatusProgression statuses = emulator.statuses();
        if (failure != null) {
            statuses.schedule(account, m.messageId(), "error", new MessageError(failure.error(), failure.description()),
                    m.dateTime(), Duration.ofMillis(Math.max(0, o.statusSentDelayMillis)));
            return;
        }
        if (!progression) {
            return;
        }
        String[] names = {"sent", "delivered", "read"};
        long[] delays = {o.statusSentDelayMillis, o.statusDeliveredDelayMillis, o.statusReadDelayMillis};
        for (int i = 0; i < names.length; i++) {
            if (delays[i] >= 0) {
                statuses.schedule(account, m.messageId(), names[i], null, m.dateTime(), Duration.ofMillis(delays[i]));
            }
        }
    }

    /** The next planned failure for a send to this chat, used up. */
    private SendFailure takeFailure(String chatType, String chatId) {
        for (int i = 0; i < failures.size(); i++) {
            SendFailure f = failures.get(i);
            if (f.matches(chatType, chatId)) {
                if (f.times() == 1) {
                    failures.remove(i);
                } else if (f.times() > 1) {
                    failures.set(i, new SendFailure(f.chatType(), f.chatId(), f.times() - 1, f.error(), f.description()));
                }
                return f;
            }
        }
        return null;
    }

    /** Steps of the automatic progression that came due. */
    void progress(List<StatusProgression.Step> steps) {
        apply(steps.stream().map(s -> new Change(s.messageId(), s.status(), s.error(), s.due())).toList(), true);
    }

    /**
     * Messages reach new statuses: the state changes, then one {@code statuses} webhook carries them
     * all (with {@code statusesAsMessages}, outgoing ones come as {@code messages} items instead).
     * Automatic changes skip deleted and unknown messages, a message in {@code error}, and steps back
     * (a test may have set a later status by hand).
     */
    Simulation apply(List<Change> changes, boolean automatic) {
        ArrayNode statuses = Json.MAPPER.createArrayNode();
        ArrayNode messages = Json.MAPPER.createArrayNode();
        WebhookSettings hooks;
        synchronized (account) {
            for (Change c : changes) {
                ChatMessage m = account.message(c.messageId()).orElse(null);
                if (m == null && !automatic) {
                    throw new IllegalArgumentException("unknown message " + c.messageId());
                }
                if (m == null || automatic && (m.deleted() || "error".equals(m.status())
                        || rank(c.status()) < rank(m.status()))) {
                    continue;
                }
                ChatMessage updated = m.withStatus(c.status(), c.error());
                account.replaceMessage(updated);
                if (emulator.options().statusesAsMessages && updated.echo()) {
                    messages.add(messageItem(updated, false));
                } else {
                    ObjectNode item = statuses.addObject();
                    item.put("messageId", c.messageId());
                    item.put("timestamp", Json.iso(c.at()));
                    item.put("status", c.status());
                    if (c.error() != null) {
                        item.putObject("error").put("error", c.error().error()).put("description", c.error().description());
                    }
                }
            }
            hooks = account.webhooks();
        }
        List<Delivery> out = new ArrayList<>();
        if (hooks.messagesAndStatuses() && !messages.isEmpty()) {
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.set("messages", messages);
            out.add(emulator.deliver(account, "messages", body));
        }
        if (hooks.messagesAndStatuses() && !statuses.isEmpty()) {
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.set("statuses", statuses);
            out.add(emulator.deliver(account, "statuses", body));
        }
        return new Simulation(changes.size() == 1 ? changes.get(0).messageId() : null,
                out.stream().filter(Objects::nonNull).toList());
    }

    private static int rank(String status) {
        return switch (status == null ? "" : status) {
            case "sent" -> 1;
            case "delivered" -> 2;
            case "read" -> 3;
            case "error" -> 4;
            default -> 0;
        };
    }

    // ------------------------------------------------------------------ settings

    boolean progression() {
        return progression;
    }

    void progression(boolean on) {
        this.progression = on;
    }

    void addFailure(SendFailure f) {
        synchronized (account) {
            failures.add(f);
        }
    }

    List<SendFailure> failures() {
        synchronized (account) {
            return List.copyOf(failures);
        }
    }

    void clearFailures() {
        synchronized (account) {
            failures.clear();
        }
    }

    void clear() {
        synchronized (account) {
            crmMessageIds.clear();
            failures.clear();
            progression = true;
        }
        emulator.statuses().forget(account);
    }

    // ------------------------------------------------------------------ webhook bodies (§8.4)

    /** The {@code messages} webhook body of one message. */
    ObjectNode messagesBody(ChatMessage m, boolean fromApp) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.putArray("messages").add(messageItem(m, fromApp));
        return body;
    }

    private ObjectNode messageItem(ChatMessage m, boolean fromApp) {
        ObjectNode item = Json.MAPPER.createObjectNode();
        item.put("messageId", m.messageId());
        item.put("dateTime", Json.iso(m.dateTime()));
        item.put("channelId", m.channelId());
        item.put("chatType", m.chatType());
        item.put("chatId", m.chatId());
        item.put("type", m.type());
        item.put("isEcho", m.echo());
        if (m.text() != null) {
            item.put("text", m.text());
        }
        if (m.contentUri() != null) {
            item.put("contentUri", m.contentUri());
        }
        item.put("status", m.status());
        if (m.error() != null) {
            item.putObject("error").put("error", m.error().error()).put("description", m.error().description());
        }
        if (m.echo()) {
            if (m.authorName() != null) {
                item.put("authorName", m.authorName());
            }
            if (m.authorId() != null) {
                item.put("authorId", m.authorId());
            }
            item.put("sentFromApp", fromApp);
        }
        if (m.edited()) {
            item.put("isEdited", true);
        }
        if (m.deleted()) {
            item.put("isDeleted", true);
        }
        if (m.oldInfo() != null) {
            ObjectNode old = item.putObject("oldInfo");
            old.put("oldText", m.oldInfo().oldText());
            old.put("oldAuthorId", m.oldInfo().oldAuthorId());
            old.put("oldAuthorName", m.oldInfo().oldAuthorName());
        }
        ObjectNode contact = item.putObject("contact");
        contact.put("name", account.chatName(m.chatType(), m.chatId()));
        if (!m.echo()) {
            contact.put("avatarUri", emulator.baseUrl() + WazzupEmulator.CONTROL_PREFIX + "/avatars/"
                    + Ids.stableUuid(m.chatType() + "/" + m.chatId()) + ".svg");
        }
        return item;
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        return n == null || n.isNull() || !n.isValueNode() || n.asText().isBlank() ? null : n.asText();
    }
}
