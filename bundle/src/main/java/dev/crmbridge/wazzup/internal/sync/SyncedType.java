package dev.crmbridge.wazzup.internal.sync;

import dev.crmbridge.wazzup.api.IntegrationScheme;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.spi.Page;
import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.internal.client.WazzupClient;
import dev.crmbridge.wazzup.internal.store.OutboxRow;
import dev.crmbridge.wazzup.internal.store.Refs;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * One kind of entity the connector keeps in step with Wazzup (users, pipelines, contacts, deals): how it
 * is read from the host's directory, what Wazzup holds of it, and the calls that send, delete and list
 * it. The engine's parts loop over these objects in sending order and never look at the type's name.
 *
 * @param <E> the host's entity ({@code CrmUser}, …)
 * @param <P> what Wazzup holds ({@code WzUser}, …)
 */
public abstract class SyncedType<E, P> {

    private final EntityType type;

    protected SyncedType(EntityType type) {
        this.type = type;
    }

    /** The types a scheme syncs, in sending order: a contact needs its user, a deal its contacts. */
    public static List<SyncedType<?, ?>> forScheme(IntegrationScheme scheme, Payloads payloads) {
        UserType users = new UserType(payloads);
        ContactType contacts = new ContactType(payloads);
        return scheme.includesDeals()
                ? List.of(users, new PipelineType(payloads), contacts, new DealType(payloads, contacts))
                : List.of(users, contacts);
    }

    public final EntityType type() {
        return type;
    }

    /** The outbox keys of the ids in a host event: the ids themselves (pipelines: the one set). */
    public Collection<String> keys(Collection<String> ids) {
        return ids;
    }

    /** The outbox operation of an event's operation (pipelines: always a save of the set). */
    public OutboxRow.Op op(OutboxRow.Op op) {
        return op;
    }

    /** The entity's id (its outbox key). */
    public abstract String id(E entity);

    /** The entities of these keys that the host has. */
    public abstract List<E> read(CrmDirectory directory, Collection<String> keys);

    /** One page of all entities. */
    public abstract Page<E> page(CrmDirectory directory, String cursor, int limit);

    /** What Wazzup should hold, or null when the entity cannot be in Wazzup (a contact without chats). */
    public abstract P payload(E entity);

    /** Sends a batch (at most {@link Dispatcher#BATCH}) of upserts. */
    public abstract void upsert(WazzupClient client, List<P> batch);

    /** Deletes a batch of entities from Wazzup. */
    public abstract void delete(WazzupClient client, List<String> keys);

    /** What Wazzup holds of this type, by key, as its listing shows it. */
    public abstract Listed<P> listed(WazzupClient client);

    /**
     * Whether the entity Wazzup lists holds what the connector sends: the fields it owns, compared by
     * meaning ({@link Listed}).
     */
    public abstract boolean same(P ours, P listed);

    /** Whether the listing leaves out fields the payload has: an entity that looks aligned is sent once. */
    public boolean listingIsPartial() {
        return false;
    }

    /** Who the entity belongs to, for webhook events; null for types that webhooks do not name. */
    public Refs refs(P payload) {
        return null;
    }

    /** How many entities go in one request (pipelines: the one set). */
    public int batchSize() {
        return Dispatcher.BATCH;
    }

    /** The dead-letter code of an entity of this type that cannot be in Wazzup, for those that need it. */
    public String unsendableCode() {
        return type.name() + "_NOT_SENDABLE";
    }

    /** Why an entity of this type cannot be in Wazzup, in words ("has no chat handle, …"). */
    public String unsendableWhy() {
        return "cannot be sent to Wazzup";
    }

    /** The type whose entities this one needs in Wazzup first, or null. */
    public SyncedType<?, ?> needs() {
        return null;
    }

    /** The keys of the entities of {@link #needs()} that this payload names. */
    public Collection<String> needed(P payload) {
        return List.of();
    }

    @SuppressWarnings("unchecked")
    final P cast(Object payload) {
        return (P) payload;
    }

    @Override
    public String toString() {
        return type.name();
    }
}
