package dev.crmbridge.wazzup.internal.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crmbridge.wazzup.api.IntegrationScheme;
import dev.crmbridge.wazzup.api.model.ChatHandle;
import dev.crmbridge.wazzup.api.model.CrmContact;
import dev.crmbridge.wazzup.api.model.CrmDeal;
import dev.crmbridge.wazzup.api.spi.CreationSource;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.spi.CrmEntityFactory;
import dev.crmbridge.wazzup.api.spi.NewContactRequest;
import dev.crmbridge.wazzup.api.spi.NewDealRequest;
import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.internal.client.WzChatHandle;
import dev.crmbridge.wazzup.internal.client.WzContact;
import dev.crmbridge.wazzup.internal.client.WzDeal;
import dev.crmbridge.wazzup.internal.store.CreationsTable.Creation;
import dev.crmbridge.wazzup.internal.store.Refs;
import dev.crmbridge.wazzup.internal.store.Schema;
import dev.crmbridge.wazzup.internal.store.Store;
import dev.crmbridge.wazzup.internal.store.StoreException;
import dev.crmbridge.wazzup.internal.sync.Payloads;
import dev.crmbridge.wazzup.internal.util.Digests;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wazzup's {@code createContact} and {@code createDeal} (§8.6): the host creates the entity while
 * Wazzup waits, and the answer is the entity in the shape of the CRUD routes. The request is recorded
 * before the host is asked, under a key that stays the same when Wazzup repeats it (the same chat; the
 * same deal within {@link #DEAL_REPEAT_WINDOW}), and the host gets that key
 * ({@code requestKey()}): a repeat is answered with the entity made first, and when the connector could
 * not record the answer (it died, its store failed), asking again with the same key lets the host find
 * what it made instead of making it twice.
 */
final class Creations {

    private static final Logger LOG = LoggerFactory.getLogger(Creations.class);

    /** A second identical deal request within this window is Wazzup repeating itself, not a second deal. */
    static final Duration DEAL_REPEAT_WINDOW = Duration.ofMinutes(2);

    /** What to answer: an HTTP status and a JSON body. */
    record Answer(int status, Object body) {
        static Answer error(int status, String code, String description) {
            return new Answer(status, Map.of("error", code, "description", description));
        }
    }

    private static final Answer STORE_DOWN = Answer.error(503, "UNAVAILABLE",
            "the CRM cannot record the request now; try again");

    private final Store store;
    private final Supplier<CrmEntityFactory> factory;
    private final Supplier<CrmDirectory> directory;
    private final Payloads payloads;
    private final IntegrationScheme scheme;
    private final String pipelineId;
    private final String stageId;
    private final Clock clock;
    private final ConcurrentHashMap<String, KeyLock> locks = new ConcurrentHashMap<>();

    Creations(Store store, Supplier<CrmEntityFactory> factory, Supplier<CrmDirectory> directory, Payloads payloads,
            IntegrationScheme scheme, String pipelineId, String stageId, Clock clock) {
        this.store = store;
        this.factory = factory;
        this.directory = directory;
        this.payloads = payloads;
        this.scheme = scheme;
        this.pipelineId = pipelineId;
        this.stageId = stageId;
        this.clock = clock;
    }

    Answer createContact(JsonNode req) {
        String responsible = Notifications.text(req, "responsibleUserId");
        String name = Notifications.text(req, "name");
        List<ChatHandle> chats = new ArrayList<>();
        try {
            for (JsonNode h : req.path("contactData")) {
                String type = Notifications.text(h, "chatType");
                // a chat without any id (chatId, username, phone) names no chat: it cannot be a contact's
                if (type != null && !type.isBlank() && !first(Notifications.text(h, "chatId"), Notifications.text(h, "username"),
                        Notifications.text(h, "phone")).isEmpty()) {
                    chats.add(new ChatHandle(type, Notifications.text(h, "chatId"), Notifications.text(h, "username"),
                            Notifications.text(h, "phone")));
                }
            }
        } catch (RuntimeException e) {
            return Answer.error(400, "INVALID_REQUEST", "createContact has a chat the CRM cannot take");
        }
        if (responsible == null || chats.isEmpty()) {
            return Answer.error(400, "INVALID_REQUEST", "createContact needs responsibleUserId and contactData");
        }
        TreeSet<String> chatKeys = new TreeSet<>();
        chats.forEach(c -> chatKeys.add(Refs.chatKey(c.chatType(), first(c.chatId(), c.username(), c.phone()))));
        String key = Digests.bounded("contact:" + String.join(",", chatKeys), Schema.REQUEST_KEY);
        return locked(key, () -> {
            Creation earlier = store.creations().find(key);
            CrmContact existing = existingContact(earlier, chats);
            if (existing != null) {
                LOG.info("Wazzup webhooks: createContact repeated for a known chat; answering contact {}", existing.id());
                return new Answer(200, contactAnswer(existing, chats));
            }
            CrmEntityFactory f = factory.get();
            if (f == null) {
                return Answer.error(503, "NO_ENTITY_FACTORY", "the CRM does not create contacts (no CrmEntityFactory)");
            }
            if (earlier == null) {
                store.creations().begin(key, EntityType.CONTACT, clock.millis());
            }
            CrmContact created;
            try {
                created = f.createContact(new NewContactRequest(responsible, name != null ? name : chatKeys.first(), chats,
                        CreationSource.of(Notifications.text(req, "source")), key));
            } catch (RuntimeException e) {
                LOG.warn("Wazzup webhooks: the CRM could not create a contact", e);
                return Answer.error(500, "CRM_FAILED", "the CRM could not create the contact");
            }
            if (created == null) {
                return Answer.error(500, "CRM_FAILED", "the CRM created no contact");
            }
            WzContact answer = contactAnswer(created, chats);
            store.answerCreation(key, EntityType.CONTACT, created.id(), Payloads.hash(answer), Payloads.refs(answer),
                    clock.millis());
            return new Answer(200, answer);
        });
    }

    /** A contact already made for this chat: for an answered request, or synced from the CRM. */
    private CrmContact existingContact(Creation earlier, List<ChatHandle> chats) {
        CrmDirectory dir = directory.get();
        if (dir == null) {
            return null;
        }
        List<String> ids = new ArrayList<>();
        if (earlier != null && earlier.answered()) {
            ids.add(earlier.entityId());
        }
        for (ChatHandle c : chats) {
            WzChatHandle h = payloads.handle(c);
            if (h != null) {
                ids.addAll(store.refs().chatOwners(h.chatType(), List.of(first(h.chatId(), h.username(), h.phone())))
                        .contactIds());
            }
        }
        return ids.isEmpty() ? null : dir.contacts(ids).stream().filter(Objects::nonNull).findFirst().orElse(null);
    }

    /** The contact as Wazzup's CRUD routes show it; the request's chats when the host returned none. */
    private WzContact contactAnswer(CrmContact c, List<ChatHandle> requested) {
        WzContact p = payloads.contact(c);
        if (p != null) {
            return p;
        }
        List<WzChatHandle> handles = requested.stream().map(payloads::handle).filter(Objects::nonNull).toList();
        return new WzContact(c.id(), c.responsibleUserId(), c.name(), handles, c.uri());
    }

    Answer createDeal(JsonNode req) {
        if (!scheme.includesDeals()) {
            return Answer.error(400, "DEALS_DISABLED", "the integration scheme is CONTACTS_ONLY: this CRM creates no deals");
        }
        String responsible = Notifications.text(req, "responsibleUserId");
        List<String> contacts = new ArrayList<>();
        req.path("contacts").forEach(c -> {
            if (!c.isNull() && !c.isContainerNode() && !c.asText().isBlank()) {
                contacts.add(c.asText());
            }
        });
        if (responsible == null || contacts.isEmpty()) {
            return Answer.error(400, "INVALID_REQUEST", "createDeal needs responsibleUserId and contacts");
        }
        CreationSource source = CreationSource.of(Notifications.text(req, "source"));
        // the same request within the window: the same key (its first time ends it)
        String prefix = "deal:" + Digests.sha256Hex(responsible + "\u0000" + source + "\u0000"
                + String.join("\u0000", new TreeSet<>(contacts)), 16) + ":";
        return locked(prefix, () -> {
            long now = clock.millis();
            Creation earlier = store.creations().latest(prefix, now - DEAL_REPEAT_WINDOW.toMillis());
            CrmDirectory dir = directory.get();
            if (earlier != null && earlier.answered() && dir != null) {
                List<CrmDeal> found = dir.deals(List.of(earlier.entityId()));
                if (!found.isEmpty() && found.get(0) != null) {
                    LOG.info("Wazzup webhooks: createDeal repeated; answering deal {}", earlier.entityId());
                    return new Answer(200, payloads.deal(found.get(0)));
                }
            }
            CrmEntityFactory f = factory.get();
            if (f == null) {
                return Answer.error(503, "NO_ENTITY_FACTORY", "the CRM does not create deals (no CrmEntityFactory)");
            }
            // a repeat keeps the first request's key, answered or not: a host that cannot show the deal yet
            // (or has no directory) finds what it made by the key instead of making a second one
            String key = earlier != null ? earlier.requestKey() : prefix + now;
            if (earlier == null) {
                store.creations().begin(key, EntityType.DEAL, now);
            }
            CrmDeal created;
            try {
                created = f.createDeal(new NewDealRequest(responsible, contacts, source, pipelineId, stageId, key));
            } catch (RuntimeException e) {
                LOG.warn("Wazzup webhooks: the CRM could not create a deal", e);
                return Answer.error(500, "CRM_FAILED", "the CRM could not create the deal");
            }
            if (created == null) {
                return Answer.error(500, "CRM_FAILED", "the CRM created no deal");
            }
            WzDeal answer = payloads.deal(created);
            store.answerCreation(key, EntityType.DEAL, created.id(), Payloads.hash(answer), Payloads.refs(answer), now);
            return new Answer(200, answer);
        });
    }

    /** Runs {@code work} alone for its key; a store failure is a 503 (Wazzup retries, nothing is lost). */
    private Answer locked(String key, Supplier<Answer> work) {
        KeyLock lock = locks.compute(key, (k, held) -> held == null ? new KeyLock() : held.join());
        lock.lock.lock();
        try {
            return work.get();
        } catch (StoreException e) {
            LOG.warn("Wazzup webhooks: a creation request could not be recorded ({}); Wazzup gets 503 and asks again",
                    e.getMessage());
            return STORE_DOWN;
        } finally {
            lock.lock.unlock();
            // the entry goes with its last user, never while another thread holds or waits for it
            locks.compute(key, (k, held) -> held == null || held.leave() ? null : held);
        }
    }

    /** A key's lock and how many threads hold it or wait for it (changed only inside the map's compute). */
    private static final class KeyLock {
        final ReentrantLock lock = new ReentrantLock();
        int users = 1;

        KeyLock join() {
            users++;
            return this;
        }

        boolean leave() {
            return --users == 0;
        }
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return "";
    }
}
