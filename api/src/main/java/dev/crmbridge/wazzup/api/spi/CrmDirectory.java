package dev.crmbridge.wazzup.api.spi;

import dev.crmbridge.wazzup.api.model.CrmContact;
import dev.crmbridge.wazzup.api.model.CrmDeal;
import dev.crmbridge.wazzup.api.model.CrmUser;
import dev.crmbridge.wazzup.api.model.Pipeline;
import java.util.Collection;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Read access to the host CRM's entities: the one service a host must provide for the connector to
 * keep Wazzup in step. The connector calls it from its own threads, never from an event thread, and
 * always for what the CRM holds now (it does not trust event payloads).
 *
 * <p>Lookups by id answer only the entities that exist: an id the CRM no longer has is simply
 * absent, and the connector then deletes it from Wazzup. Listings are paged by an opaque cursor so
 * that a host can use keyset or offset paging; {@link Page#of} serves a list held in memory.
 *
 * <p>Implementations must be thread-safe. An exception thrown here is caught: the affected changes
 * stay queued and are retried later, nothing is lost.
 *
 * @since 1.0
 */
@ConsumerType
public interface CrmDirectory {

    /**
     * The users with these ids that exist.
     *
     * @param ids the ids, at most a few hundred per call; not null
     * @return the users found, in any order; never null
     */
    List<CrmUser> users(Collection<String> ids);

    /**
     * One page of all users.
     *
     * @param cursor {@code null} for the first page, else the previous page's {@link Page#nextCursor()}
     * @param limit the page size the connector would like (the host may return fewer)
     * @return the page; never null
     */
    Page<CrmUser> users(String cursor, int limit);

    /**
     * The contacts with these ids that exist.
     *
     * @param ids the ids; not null
     * @return the contacts found, in any order; never null
     */
    List<CrmContact> contacts(Collection<String> ids);

    /**
     * One page of all contacts.
     *
     * @param cursor {@code null} for the first page, else the previous page's {@link Page#nextCursor()}
     * @param limit the page size the connector would like
     * @return the page; never null
     */
    Page<CrmContact> contacts(String cursor, int limit);

    /**
     * The deals with these ids that exist. Not called under
     * {@link dev.crmbridge.wazzup.api.IntegrationScheme#CONTACTS_ONLY}.
     *
     * @param ids the ids; not null
     * @return the deals found, in any order; never null
     */
    List<CrmDeal> deals(Collection<String> ids);

    /**
     * One page of all deals. Not called under {@link dev.crmbridge.wazzup.api.IntegrationScheme#CONTACTS_ONLY}.
     *
     * @param cursor {@code null} for the first page, else the previous page's {@link Page#nextCursor()}
     * @param limit the page size the connector would like
     * @return the page; never null
     */
    Page<CrmDeal> deals(String cursor, int limit);

    /**
     * All pipelines with their stages. Wazzup takes them as one set, so there is no lookup by id.
     * Not called under {@link dev.crmbridge.wazzup.api.IntegrationScheme#CONTACTS_ONLY}.
     *
     * @return the pipelines; never null
     */
    List<Pipeline> pipelines();
}
