package dev.crmbridge.wazzup.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crmbridge.wazzup.emulator.model.Channel;
import dev.crmbridge.wazzup.emulator.model.Chat;
import dev.crmbridge.wazzup.emulator.model.ChatMessage;
import dev.crmbridge.wazzup.emulator.model.Contact;
import dev.crmbridge.wazzup.emulator.model.ContactData;
import dev.crmbridge.wazzup.emulator.model.Deal;
import dev.crmbridge.wazzup.emulator.model.Delivery;
import dev.crmbridge.wazzup.emulator.model.Pipeline;
import dev.crmbridge.wazzup.emulator.model.SendFailure;
import dev.crmbridge.wazzup.emulator.model.Template;
import dev.crmbridge.wazzup.emulator.model.User;
import dev.crmbridge.wazzup.emulator.model.WebhookSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One emulated Wazzup account: its keys, the entities the CRM uploaded, channels, chats, webhook
 * settings and integration settings (roles, who gets new clients). Read methods return immutable
 * snapshots; the simulation methods act as Wazzup would and deliver the resulting webhooks before they
 * return. Thread-safe: state changes under the account's lock, webhook deliveries outside it (the CRM
 * may call back while it answers).
 */
public final class Account {

    /** Messages older than this do not count as unanswered (§7.2). */
    static final Duration UNANSWERED_WINDOW = Duration.ofDays(7);

    private final WazzupEmulator emulator;
    private final String id;
    private volatile String apiKey;
    private volatile String sidecarKey;
    private volatile String crmKey;

    private final Map<String, User> users = new LinkedHashMap<>();
    private final TreeMap<String, Contact> contacts = new TreeMap<>();
    private final TreeMap<String, Deal> deals = new TreeMap<>();
    private final List<Pipeline> pipelines = new ArrayList<>();
    private final List<Channel> channels = new ArrayList<>();
    private WebhookSettings webhooks = WebhookSettings.NONE;
    private final Templates templates;
    private final Messaging messaging;

    private final Map<String, ChatState> chats = new LinkedHashMap<>();
    private final Map<String, ChatMessage> messagesById = new HashMap<>();

    /** Indexes: chat key → contact ids whose handles denote the chat; contact id → deal ids. */
    private final Map<String, Set<String>> contactsByChat = new HashMap<>();
    private final Map<String, Set<String>> dealsByContact = new HashMap<>();

    private final Map<String, Role> roles = new HashMap<>();
    private NewClientMode newClientMode = NewClientMode.IN_TURN;
    private Set<String> newClientReceivers; // null: every user
    private int turn;

    /** Mutable state of one chat. */
    private static final class ChatState {
        final String chatType;
        final String chatId;
        String channelId;
        String name;
        final List<ChatMessage> messages = new ArrayList<>();
        Instant clearedAt = Instant.MIN;

        ChatState(String chatType, String chatId, String channelId, String name) {
            this.chatType = chatType;
            this.chatId = chatId;
            this.channelId = channelId;
            this.name = name;
        }

        Chat snapshot() {
            return new Chat(chatType, chatId, channelId, name, messages);
        }
    }

    Account(WazzupEmulator emulator, String id, String apiKey) {
        this.emulator = emulator;
        this.id = id;
        this.apiKey = apiKey;
        this.templates = new Templates(id);
        this.messaging = new Messaging(emulator, this);
        seed();
    }

    /** Every account's channels (the WABA one last, with the seeded templates). */
    private void seed() {
        channels.add(new Channel(Ids.stableUuid(id + "/whatsapp"), "whatsapp", "79000000001", "active", "WhatsApp"));
        channels.add(new Channel(Ids.stableUuid(id + "/tgapi"), "tgapi", "wz_emulator", "active", "Telegram"));
        channels.add(new Channel(Ids.stableUuid(id + "/instagram"), "instagram", "wz.emulator", "active", "Instagram"));
        Channel waba = new Channel(Ids.stableUuid(id + "/wapi"), "wapi", "79000000002", "active", "WhatsApp Business");
        channels.add(waba);
        templates.seed(List.of(waba.channelId()));
    }

    // ------------------------------------------------------------------ keys and settings

    public String id() {
        return id;
    }

    public String apiKey() {
        return apiKey;
    }

    /** The account's sidecar key (§1.2), or null. */
    public String sidecarKey() {
        return sidecarKey;
    }

    /** The crmKey Wazzup sends as {@code Authorization: Bearer} on webhooks (§8.3), or null. */
    public String crmKey() {
        return crmKey;
    }

    public Account sidecarKey(String key) {
        emulator.rekey(this, apiKey, key);
        this.sidecarKey = key;
        return this;
    }

    public Account crmKey(String key) {
        this.crmKey = key;
        return this;
    }

    /** Sets a user's role (§7.3). Users without one are managers. */
    public synchronized Account role(String userId, Role role) {
        roles.put(userId, role);
        return this;
    }

    /**
     * Sets who gets new clients: the mode and the users with "Receives new clients" on ({@code null}
     * for every user).
     */
    public synchronized Account newClients(NewClientMode mode, Collection<String> receivers) {
        this.newClientMode = Objects.requireNonNull(mode);
        this.newClientReceivers = receivers == null ? null : new LinkedHashSet<>(receivers);
        return this;
    }

    public synchronized NewClientMode newClientMode() {
        return newClientMode;
    }

    public synchronized Role role(String userId) {
        return roles.getOrDefault(userId, Role.MANAGER);
    }

    // ------------------------------------------------------------------ reads

    public synchronized List<User> users() {
        return List.copyOf(users.values());
    }

    public synchronized Optional<User> user(String userId) {
        return Optional.ofNullable(users.get(userId));
    }

    /** Contacts sorted by id. */
    public synchronized List<Contact> contacts() {
        return List.copyOf(contacts.values());
    }

    public synchronized Optional<Contact> contact(String contactId) {
        return Optional.ofNullable(contacts.get(contactId));
    }

    /** Deals sorted by id. */
    public synchronized List<Deal> deals() {
        return List.copyOf(deals.values());
    }

    public synchronized Optional<Deal> deal(String dealId) {
        return Optional.ofNullable(deals.get(dealId));
    }

    public synchronized List<Pipeline> pipelines() {
        return List.copyOf(pipelines);
    }

    public synchronized List<Channel> channels() {
        return List.copyOf(channels);
    }

    public synchronized Optional<Channel> channel(String channelId) {
        return channels.stream().filter(c -> c.channelId().equals(channelId)).findFirst();
    }

    /** The first channel that serves this chat type (§10.1), or empty. */
    public synchronized Optional<Channel> channelFor(String chatType) {
        return channels.stream().filter(c -> transportServes(c.transport(), chatType)).findFirst();
    }

    public synchronized WebhookSettings webhooks() {
        return webhooks;
    }

    public synchronized List<Chat> chats() {
        return chats.values().stream().map(ChatState::snapshot).toList();
    }

    public synchronized Optional<Chat> chat(String chatType, String chatId) {
        return Optional.ofNullable(chats.get(chatKey(chatType, chatId))).map(ChatState::snapshot);
    }

    public synchronized Optional<ChatMessage> message(String messageId) {
        return Optional.ofNullable(messagesById.get(messageId));
    }

    /** The contacts whose handles denote the chat. */
    public synchronized List<Contact> contactsOfChat(String chatType, String chatId) {
        return contactsByChat.getOrDefault(chatKey(chatType, chatId), Set.of()).stream()
                .map(contacts::get).filter(Objects::nonNull).toList();
    }

    /** The deals that include the contact. */
    public synchronized List<Deal> dealsOfContact(String contactId) {
        return dealsByContact.getOrDefault(contactId, Set.of()).stream()
                .map(deals::get).filter(Objects::nonNull).sorted(Comparator.comparing(Deal::id)).toList();
    }

    /** The unanswered counter of a CRM user, as {@code GET /v3/unanswered/{userId}} reports it (§7). */
    public synchronized Unanswered unanswered(String userId) {
        Role role = roles.getOrDefault(userId, Role.MANAGER);
        if (!users.containsKey(userId) || role == Role.NONE) {
            return new Unanswered(0, null, null);
        }
        Instant since = emulator.clock().instant().minus(UNANSWERED_WINDOW);
        int own = 0;
        int all = 0;
        Instant last = null;
        for (ChatState chat : chats.values()) {
            List<ChatMessage> waiting = unansweredMessages(chat, since);
            if (waiting.isEmpty()) {
                continue;
            }
            Set<String> responsible = responsibleUsers(chat.chatType, chat.chatId);
            boolean mine = responsible.contains(userId) || (responsible.isEmpty() && receivesNewClients(userId));
            Instant newest = waiting.get(waiting.size() - 1).dateTime();
            if (mine) {
                own += waiting.size();
            }
            all += waiting.size();
            if (mine || role != Role.MANAGER) {
                last = last == null || newest.isAfter(last) ? newest : last;
            }
        }
        int count = role == Role.MANAGER ? own : all;
        if (count == 0) {
            return new Unanswered(0, null, null);
        }
        String type = switch (role) {
            case MANAGER -> "red";
            case SUPERVISOR -> own > 0 ? "red" : "grey";
            default -> "grey";
        };
        return new Unanswered(count, type, last);
    }

    private static List<ChatMessage> unansweredMessages(ChatState chat, Instant since) {
        List<ChatMessage> out = new ArrayList<>();
        for (int i = chat.messages.size() - 1; i >= 0; i--) {
            ChatMessage m = chat.messages.get(i);
            if (m.echo()) {
                if (m.clearsUnanswered()) {
                    break;
                }
                continue;
            }
            if (!m.dateTime().isAfter(chat.clearedAt) || m.dateTime().isBefore(since)) {
                break;
            }
            out.add(0, m);
        }
        return out;
    }

    /** Users responsible for a chat: of its contacts and of their deals. */
    private Set<String> responsibleUsers(String chatType, String chatId) {
        Set<String> out = new HashSet<>();
        for (String contactId : contactsByChat.getOrDefault(chatKey(chatType, chatId), Set.of())) {
            Contact c = contacts.get(contactId);
            if (c != null) {
                out.add(c.responsibleUserId());
            }
            for (String dealId : dealsByContact.getOrDefault(contactId, Set.of())) {
                Deal d = deals.get(dealId);
                if (d != null) {
                    out.add(d.responsibleUserId());
                }
            }
        }
        return out;
    }

    private boolean receivesNewClients(String userId) {
        return newClientReceivers == null ? users.containsKey(userId) : newClientReceivers.contains(userId);
    }

    /** Chats a user sees in the global chat window (§7.3). */
    synchronized List<Chat> visibleChats(String userId) {
        Role role = roles.getOrDefault(userId, Role.MANAGER);
        List<Chat> out = new ArrayList<>();
        for (ChatState chat : chats.values()) {
            Set<String> responsible = responsibleUsers(chat.chatType, chat.chatId);
            boolean visible = switch (role) {
                case NONE -> false;
                case MANAGER -> responsible.contains(userId) || (responsible.isEmpty() && receivesNewClients(userId));
                default -> true;
            };
            if (visible) {
                out.add(chat.snapshot());
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ messaging (Messaging, Templates)

    /** The account's WABA templates (§10.5), in the order added. */
    public List<Template> templates() {
        return templates.all();
    }

    /** Adds a template, or replaces the one with its {@code templateGuid}. */
    public Account putTemplate(Template template) {
        templates.put(template);
        return this;
    }

    /** Replaces every template. */
    public Account replaceTemplates(List<Template> all) {
        templates.replaceAll(all);
        return this;
    }

    /**
     * Whether API sends move on by themselves to {@code sent}, {@code delivered} and {@code read} (on by
     * default; the delays are options). Planned failures are reported either way.
     */
    public Account statusProgression(boolean on) {
        messaging.progression(on);
        return this;
    }

    public boolean statusProgression() {
        return messaging.progression();
    }

    /**
     * The next {@code times} API sends (0: every one until cleared) to the chat (either handle null
     * for any) are accepted, then reported with {@code status: "error"} and this error.
     */
    public Account failSends(String chatType, String chatId, int times, String error, String description) {
        messaging.addFailure(new SendFailure(chatType, chatId, Math.max(0, times), Objects.requireNonNull(error),
                description == null ? error : description));
        return this;
    }

    /** Planned send failures not used up yet. */
    public List<SendFailure> sendFailures() {
        return messaging.failures();
    }

    public Account clearSendFailures() {
        messaging.clearFailures();
        return this;
    }

    /**
     * Connects another channel (the seed has whatsapp, tgapi, instagram and wapi). Its id is stable
     * per account, transport and plainId.
     */
    public synchronized Channel addChannel(String transport, String plainId, String state, String name) {
        Channel c = new Channel(Ids.stableUuid(id + "/" + transport + "/" + plainId), Objects.requireNonNull(transport),
                plainId, state == null ? "active" : state, name == null ? transport : name);
        if (channels.stream().anyMatch(x -> x.channelId().equals(c.channelId()))) {
            throw new IllegalArgumentException("channel exists: " + transport + " " + plainId);
        }
        channels.add(c);
        return c;
    }

    Messaging messaging() {
        return messaging;
    }

    Templates templateStore() {
        return templates;
    }

    /** Stores an outgoing message in its chat (created when new). */
    synchronized void addOutgoing(ChatMessage m) {
        chatState(m.chatType(), m.chatId(), m.channelId(), null).messages.add(m);
        messagesById.put(m.messageId(), m);
    }

    /** Replaces a stored message by id, in the index and in its chat. */
    synchronized void replaceMessage(ChatMessage updated) {
        messagesById.put(updated.messageId(), updated);
        ChatState chat = chats.get(chatKey(updated.chatType(), updated.chatId()));
        if (chat != null) {
            chat.messages.replaceAll(x -> x.messageId().equals(updated.messageId()) ? updated : x);
        }
    }

    /** The chat's customer name as Wazzup knows it (the chat id when it knows none). */
    synchronized String chatName(String chatType, String chatId) {
        ChatState chat = chats.get(chatKey(chatType, chatId));
        return chat == null ? chatId : chat.name;
    }

    // ------------------------------------------------------------------ REST mutations

    synchronized void upsertUsers(List<User> batch) {
        int added = (int) batch.stream().filter(u -> !users.containsKey(u.id())).count();
        if (users.size() + added > emulator.options().maxUsers) {
            throw ApiError.of(400, "USER_LIMIT_EXCEEDED",
                    "An account holds at most " + emulator.options().maxUsers + " users");
        }
        Map<String, String> phoneOwner = new HashMap<>();
        users.values().forEach(u -> {
            if (u.phone() != null) {
                phoneOwner.put(u.phone(), u.id());
            }
        });
        for (User u : batch) {
            if (u.phone() != null) {
                String owner = phoneOwner.put(u.phone(), u.id());
                if (owner != null && !owner.equals(u.id())) {
                    throw ApiError.withData(400, "DUPLICATE_PHONE_NUMBER",
                            "Another user already has this phone number", Map.of("phone", u.phone()));
                }
            }
        }
        for (User u : batch) {
            users.put(u.id(), u);
        }
    }

    synchronized boolean deleteUser(String userId) {
        return users.remove(userId) != null;
    }

    synchronized List<String> deleteUsers(List<String> ids) {
        return ids.stream().filter(i -> users.remove(i) == null).toList();
    }

    synchronized void upsertContacts(List<Contact> batch) {
        if (emulator.options().requireKnownResponsibleUsers) {
            requireKnownUsers(batch.stream().map(Contact::responsibleUserId).toList(), "INVALID_CONTACTS_DATA");
        }
        for (Contact c : batch) {
            putContact(c);
        }
    }

    private void putContact(Contact c) {
        Contact old = contacts.put(c.id(), c);
        if (old != null && old.contactData().equals(c.contactData())) {
            return; // same handles: the chat index stays as it is
        }
        if (old != null) {
            chatKeys(old).forEach(k -> removeFromIndex(contactsByChat, k, old.id()));
        }
        chatKeys(c).forEach(k -> contactsByChat.computeIfAbsent(k, x -> new HashSet<>()).add(c.id()));
    }

    private static List<String> chatKeys(Contact c) {
        List<String> keys = new ArrayList<>();
        for (ContactData d : c.contactData()) {
            for (String handle : new String[] {d.chatId(), d.username(), d.phone()}) {
                if (handle != null) {
                    keys.add(chatKey(d.chatType(), handle));
                }
            }
        }
        return keys;
    }

    synchronized boolean deleteContact(String contactId) {
        Contact old = contacts.remove(contactId);
        if (old == null) {
            return false;
        }
        chatKeys(old).forEach(k -> removeFromIndex(contactsByChat, k, old.id()));
        return true;
    }

    synchronized List<String> deleteContacts(List<String> ids) {
        List<String> unknown = new ArrayList<>();
        for (String i : ids) {
            if (!deleteContact(i)) {
                unknown.add(i);
            }
        }
        return unknown;
    }

    synchronized void upsertDeals(List<Deal> batch) {
        EmulatorOptions o = emulator.options();
        if (o.requireKnownDealContacts) {
            Validator.Errors errors = new Validator.Errors();
            for (int i = 0; i < batch.size(); i++) {
                errors.at(i);
                List<String> ids = batch.get(i).contacts();
                for (int j = 0; j < ids.size(); j++) {
                    if (!contacts.containsKey(ids.get(j))) {
                        errors.add("contacts[" + j + "]");
                    }
                }
            }
            if (errors.any()) {
                throw ApiError.withData(400, "INVALID_DEALS_DATA", "Deal contacts are not loaded", errors.list());
            }
        }
        if (o.requireKnownResponsibleUsers) {
            requireKnownUsers(batch.stream().map(Deal::responsibleUserId).toList(), "INVALID_DEALS_DATA");
        }
        for (Deal d : batch) {
            putDeal(d);
        }
    }

    private void putDeal(Deal d) {
        Deal old = deals.put(d.id(), d);
        if (old != null) {
            old.contacts().forEach(c -> removeFromIndex(dealsByContact, c, old.id()));
        }
        d.contacts().forEach(c -> dealsByContact.computeIfAbsent(c, x -> new HashSet<>()).add(d.id()));
    }

    synchronized boolean deleteDeal(String dealId) {
        Deal old = deals.remove(dealId);
        if (old == null) {
            return false;
        }
        old.contacts().forEach(c -> removeFromIndex(dealsByContact, c, old.id()));
        return true;
    }

    synchronized List<String> deleteDeals(List<String> ids) {
        List<String> unknown = new ArrayList<>();
        for (String i : ids) {
            if (!deleteDeal(i)) {
                unknown.add(i);
            }
        }
        return unknown;
    }

    private void requireKnownUsers(List<String> userIds, String code) {
        Validator.Errors errors = new Validator.Errors();
        for (int i = 0; i < userIds.size(); i++) {
            errors.at(i);
            if (!users.containsKey(userIds.get(i))) {
                errors.add("responsibleUserId");
            }
        }
        if (errors.any()) {
            throw ApiError.withData(400, code, "Responsible user is not loaded", errors.list());
        }
    }

    synchronized void uploadPipelines(List<Pipeline> upload) {
        if (emulator.options().pipelinesUploadReplaces) {
            pipelines.clear();
            pipelines.addAll(upload);
            return;
        }
        for (Pipeline p : upload) {
            pipelines.removeIf(old -> old.id().equals(p.id()));
            pipelines.add(p);
        }
    }

    synchronized void webhooks(WebhookSettings settings) {
        this.webhooks = settings;
    }

    /** Creates a chat for each card-filter entry Wazzup does not know yet (§6.1). */
    synchronized void ensureChats(List<ContactData> handles, Map<String, String> names) {
        for (ContactData h : handles) {
            String chatId = h.chatId() != null ? h.chatId() : h.username() != null ? h.username() : h.phone();
            if (chatId != null) {
                chatState(h.chatType(), chatId, null, names.get(chatKey(h.chatType(), chatId)));
            }
        }
    }

    private ChatState chatState(String chatType, String chatId, String channelId, String name) {
        return chats.computeIfAbsent(chatKey(chatType, chatId), k -> {
            String channel = channelId != null ? channelId
                    : channels.stream().filter(c -> transportServes(c.transport(), chatType))
                            .map(Channel::channelId).findFirst().orElse(null);
            return new ChatState(chatType, chatId, channel, name != null ? name : chatId);
        });
    }

    // ------------------------------------------------------------------ simulation

    /**
     * A customer writes (§8.4, §8.6): the message lands in the chat, the responsible users' counters
     * rise, and the CRM gets, in this order: {@code createContact} and/or {@code createDeal} when the
     * chat is a new client, creation is subscribed, funnels with stages are uploaded and new clients are
     * distributed in turn; then the {@code messages} webhook.
     *
     * @param channelId the channel, or null for the first channel serving the chat type
     * @param type the message type ({@code text}, {@code image}, …)
     * @param text the text, or null
     * @param contentUri the media link, or null
     * @param contactName the customer's messenger name, or null
     */
    public Simulation customerWrites(String chatType, String chatId, String channelId, String type, String text,
            String contentUri, String contactName) {
        ChatMessage m;
        WebhookSettings hooks;
        Creation creation;
        synchronized (this) {
            String channel = channelId;
            if (channel == null) {
                channel = channels.stream().filter(c -> transportServes(c.transport(), chatType))
                        .map(Channel::channelId).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("no channel serves chat type " + chatType));
            }
            ChatState chat = chatState(chatType, chatId, channel, contactName);
            if (contactName != null) {
                chat.name = contactName;
            }
            m = new ChatMessage(Ids.uuid(), channel, chatType, chatId, emulator.clock().instant(),
                    type == null ? (text != null ? "text" : "image") : type, text, contentUri, false, "inbound",
                    null, null, null, false, false);
            chat.messages.add(m);
            messagesById.put(m.messageId(), m);
            hooks = webhooks;
            creation = newClientMode == NewClientMode.IN_TURN ? plannedCreation(chat, null, "auto") : null;
        }
        List<Delivery> out = new ArrayList<>();
        if (creation != null) {
            out.addAll(create(creation));
        }
        if (hooks.messagesAndStatuses()) {
            out.add(emulator.deliver(this, "messages", messaging.messagesBody(m, false)));
        }
        return new Simulation(m.messageId(), out.stream().filter(Objects::nonNull).toList());
    }

    /** A customer writes a text message in the first channel serving the chat type. */
    public Simulation customerWrites(String chatType, String chatId, String text) {
        return customerWrites(chatType, chatId, null, "text", text, null, null);
    }

    /**
     * A manager answers from Wazzup's chat window or phone (not through the API): the counter of the
     * chat resets, the CRM gets an {@code isEcho} message, and with "first responder" distribution a new
     * client's contact and deal are requested for this manager.
     */
    public Simulation managerReplies(String userId, String chatType, String chatId, String text) {
        ChatMessage m;
        WebhookSettings hooks;
        Creation creation;
        synchronized (this) {
            ChatState chat = chatState(chatType, chatId, null, null);
            User author = users.get(userId);
            m = new ChatMessage(Ids.uuid(), chat.channelId, chatType, chatId, emulator.clock().instant(), "text",
                    text, null, true, "sent", userId, author == null ? null : author.name(), null, false, true);
            chat.messages.add(m);
            messagesById.put(m.messageId(), m);
            hooks = webhooks;
            boolean first = chat.messages.stream().filter(ChatMessage::echo).count() == 1;
            creation = newClientMode == NewClientMode.FIRST_RESPONDER && first && author != null
                    ? plannedCreation(chat, userId, "auto") : null;
        }
        List<Delivery> out = new ArrayList<>();
        if (creation != null) {
            out.addAll(create(creation));
        }
        if (hooks.messagesAndStatuses()) {
            out.add(emulator.deliver(this, "messages", messaging.messagesBody(m, true)));
        }
        return new Simulation(m.messageId(), out.stream().filter(Objects::nonNull).toList());
    }

    /** A manager presses "No reply needed": the chat's waiting messages stop counting (§7.1). */
    public synchronized void noReplyNeeded(String chatType, String chatId) {
        ChatState chat = chats.get(chatKey(chatType, chatId));
        if (chat != null) {
            chat.clearedAt = emulator.clock().instant();
        }
    }

    /**
     * The "+" of the Deals dropdown (§6.2, §8.6 case 3): {@code createDeal} for the chat's contact, or
     * {@code createContact} first when Wazzup has none; {@code source} is {@code byUser}.
     */
    public Simulation dealsDropdownPlus(String userId, String chatType, String chatId) {
        Creation creation;
        synchronized (this) {
            ChatState chat = chatState(chatType, chatId, null, null);
            List<String> existing = new ArrayList<>(contactsByChat.getOrDefault(chatKey(chatType, chatId), Set.of()));
            existing.sort(null);
            creation = new Creation(chat.chatType, chat.chatId, chat.name, userId, "byUser",
                    existing.isEmpty() ? null : existing.get(0), webhooks);
        }
        return new Simulation(null, create(creation));
    }

    /**
     * An outgoing message's status changes (§8.5): {@code statuses} webhook; with
     * {@code statusesAsMessages}, the message itself again with the new status (§8.4).
     */
    public Simulation messageStatus(String messageId, String status, String errorCode, String errorDescription) {
        ChatMessage.MessageError error = errorCode == null ? null
                : new ChatMessage.MessageError(errorCode, errorDescription == null ? errorCode : errorDescription);
        return messaging.apply(List.of(new Messaging.Change(messageId, status, error, emulator.clock().instant())), false);
    }

    /** A channel changes state (§8.7): {@code channelsUpdates} webhook. */
    public Simulation channelState(String channelId, String state, String qr, String tier) {
        ObjectNode item = Json.MAPPER.createObjectNode();
        WebhookSettings hooks;
        synchronized (this) {
            int index = -1;
            for (int i = 0; i < channels.size(); i++) {
                if (channels.get(i).channelId().equals(channelId)) {
                    index = i;
                }
            }
            if (index < 0) {
                throw new IllegalArgumentException("unknown channel " + channelId);
            }
            channels.set(index, channels.get(index).withState(state));
            hooks = webhooks;
            item.put("channelId", channelId);
            item.put("state", state);
            item.put("timestamp", emulator.clock().millis());
            if (qr != null) {
                item.put("qr", qr);
            }
            if (tier != null) {
                item.put("tier", tier);
            }
        }
        List<Delivery> out = new ArrayList<>();
        if (hooks.channelsUpdates()) {
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.putArray("channelsUpdates").add(item);
            out.add(emulator.deliver(this, "channelsUpdates", body));
        }
        return new Simulation(null, out.stream().filter(Objects::nonNull).toList());
    }

    /**
     * A WABA template's moderation status changes (§8.8): the stored template takes it (when known),
     * and the {@code templateStatus} webhook.
     */
    public Simulation templateStatus(String templateGuid, String name, String status) {
        templates.status(templateGuid, status);
        WebhookSettings hooks = webhooks();
        List<Delivery> out = new ArrayList<>();
        if (hooks.templateStatus()) {
            ObjectNode body = Json.MAPPER.createObjectNode();
            ObjectNode t = body.putObject("templateStatus");
            t.put("templateGuid", templateGuid);
            t.put("name", name);
            t.put("status", status);
            out.add(emulator.deliver(this, "templateStatus", body));
        }
        return new Simulation(null, out.stream().filter(Objects::nonNull).toList());
    }

    // ------------------------------------------------------------------ creation requests (§8.6)

    /** A planned creation: which chat, for whom, and which contact already exists (null: none). */
    private record Creation(String chatType, String chatId, String name, String responsibleUserId, String source,
            String existingContactId, WebhookSettings hooks) {
    }

    /**
     * Whether a new client's chat calls for creation requests, and for whom. Null when not: creation
     * not subscribed, no funnel with stages, contact and deal both known, or nobody to give it to.
     */
    private Creation plannedCreation(ChatState chat, String responder, String source) {
        if (!webhooks.contactsAndDealsCreation() || webhooks.uri() == null
                || pipelines.stream().noneMatch(Pipeline::hasStages)) {
            return null;
        }
        List<String> contactIds = new ArrayList<>(contactsByChat.getOrDefault(chatKey(chat.chatType, chat.chatId), Set.of()));
        contactIds.sort(null);
        boolean hasDeal = contactIds.stream().anyMatch(c -> !dealsByContact.getOrDefault(c, Set.of()).isEmpty());
        if (!contactIds.isEmpty() && hasDeal) {
            return null;
        }
        String responsible = responder != null ? responder : nextReceiver();
        if (responsible == null) {
            return null;
        }
        return new Creation(chat.chatType, chat.chatId, chat.name, responsible, source,
                contactIds.isEmpty() ? null : contactIds.get(0), webhooks);
    }

    /** The next user with "Receives new clients", in turn; null when there is none. */
    private String nextReceiver() {
        List<String> candidates = newClientReceivers == null
                ? users.keySet().stream().sorted().toList()
                : newClientReceivers.stream().filter(users::containsKey).toList();
        if (candidates.isEmpty()) {
            return null;
        }
        return candidates.get(Math.floorMod(turn++, candidates.size()));
    }

    /** Sends the creation requests and stores what the CRM answers. Runs outside the lock. */
    private List<Delivery> create(Creation c) {
        List<Delivery> out = new ArrayList<>();
        if (!c.hooks().contactsAndDealsCreation() || c.hooks().uri() == null) {
            return out;
        }
        String contactId = c.existingContactId();
        if (contactId == null) {
            ObjectNode body = Json.MAPPER.createObjectNode();
            ObjectNode req = body.putObject("createContact");
            req.put("responsibleUserId", c.responsibleUserId());
            req.put("name", c.name() != null ? c.name() : c.chatId());
            ObjectNode handle = req.putArray("contactData").addObject();
            handle.put("chatType", c.chatType());
            handle.put("chatId", c.chatId());
            req.put("source", c.source());
            Delivery d = emulator.deliver(this, "createContact", body, answer -> {
                Validator.Errors errors = new Validator.Errors();
                Contact contact = Validator.contact(answer, errors);
                if (errors.any()) {
                    return "rejected: not a contact, fields " + errors.list().get(0).fields();
                }
                synchronized (this) {
                    putContact(contact);
                }
                return "stored contact " + contact.id();
            });
            out.add(d);
            if (d == null || d.outcome() == null || !d.outcome().startsWith("stored contact ")) {
                return out;
            }
            contactId = d.outcome().substring("stored contact ".length());
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        ObjectNode req = body.putObject("createDeal");
        req.put("responsibleUserId", c.responsibleUserId());
        req.putArray("contacts").add(contactId);
        req.put("source", c.source());
        out.add(emulator.deliver(this, "createDeal", body, answer -> {
            Validator.Errors errors = new Validator.Errors();
            Deal deal = Validator.deal(answer, emulator.options(), errors);
            if (errors.any()) {
                return "rejected: not a deal, fields " + errors.list().get(0).fields();
            }
            synchronized (this) {
                putDeal(deal);
            }
            return "stored deal " + deal.id();
        }));
        return out;
    }

    // ------------------------------------------------------------------ helpers

    synchronized void clear() {
        users.clear();
        contacts.clear();
        deals.clear();
        pipelines.clear();
        channels.clear();
        seed();
        messaging.clear();
        webhooks = WebhookSettings.NONE;
        chats.clear();
        messagesById.clear();
        contactsByChat.clear();
        dealsByContact.clear();
        roles.clear();
        newClientMode = NewClientMode.IN_TURN;
        newClientReceivers = null;
        turn = 0;
        crmKey = null;
    }

    void apiKey(String key) {
        this.apiKey = key;
    }

    static String chatKey(String chatType, String chatId) {
        return chatType + "\u0000" + chatId;
    }

    private static <K> void removeFromIndex(Map<K, Set<String>> index, K key, String value) {
        Set<String> set = index.get(key);
        if (set != null) {
            set.remove(value);
            if (set.isEmpty()) {
                index.remove(key);
            }
        }
    }

    /** Which chat types a channel transport serves (§10.1). */
    static boolean transportServes(String transport, String chatType) {
        return switch (transport) {
            case "whatsapp", "wapi" -> chatType.equals("whatsapp") || chatType.equals("whatsgroup");
            case "tgapi", "telegram" -> chatType.equals("telegram") || chatType.equals("telegroup");
            case "max", "maxbot" -> chatType.equals("max") || chatType.equals("maxgroup");
            default -> transport.equals(chatType);
        };
    }
}
