package dev.crmbridge.wazzup.api.sync;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The strongest way to report changes, for a host whose database is the connector's store (storage
 * {@code DATA_SOURCE}): the change is recorded in the connector's outbox <em>inside the host's own
 * transaction</em>, on the host's connection. It commits with the host's change or not at all: a change
 * the host committed can never be lost between its commit and an event, not even to a JVM killed right
 * after the commit, and a transaction that rolls back sends nothing.
 *
 * <pre>{@code
 * try (Connection c = dataSource.getConnection()) {
 *     c.setAutoCommit(false);
 *     updateContact(c, contact);                                            // the host's own write
 *     changes.saved(c, EntityType.CONTACT, List.of(contact.getId()));     // the same transaction
 *     c.commit();                                                           // both, or neither
 * }
 * }</pre>
 *
 * <p>The connection must be one of the database the connector's {@code DataSource} reaches (in a cluster,
 * the PostgreSQL every node shares). With the embedded store there is no such connection: the calls throw
 * {@link IllegalStateException}, and events ({@link dev.crmbridge.wazzup.api.event.CrmEvents}) remain the way.
 * The leader sends what was committed within a fraction of a second (in a cluster it is told at the commit).
 * Changes of a type the integration scheme does not sync are ignored, as their events are.
 *
 * @since 1.2
 */
@ProviderType
public interface TransactionalChanges {

    /**
     * Records, in the transaction of {@code connection}, that these entities were created or changed.
     *
     * @param connection the host's connection, in its transaction (auto-commit off), to the connector's
     *     database; it is neither committed nor closed here
     * @param type the kind of entity
     * @param ids the entities' CRM ids (at most 255 characters each)
     * @return how many entities were recorded (0 for a type the scheme does not sync)
     * @throws SQLException as the host's connection reports it (the host rolls back)
     * @throws IllegalStateException when the connector's store is not the host's database (embedded), or
     *     the connector does not run
     * @throws IllegalArgumentException when an id is empty or longer than 255 characters
     */
    int saved(Connection connection, EntityType type, Collection<String> ids) throws SQLException;

    /**
     * Records, in the transaction of {@code connection}, that these entities were deleted.
     *
     * @param connection the host's connection, in its transaction, to the connector's database
     * @param type the kind of entity
     * @param ids the entities' CRM ids (at most 255 characters each)
     * @return how many entities were recorded (0 for a type the scheme does not sync)
     * @throws SQLException as the host's connection reports it (the host rolls back)
     * @throws IllegalStateException when the connector's store is not the host's database, or the
     *     connector does not run
     * @throws IllegalArgumentException when an id is empty or longer than 255 characters
     */
    int deleted(Connection connection, EntityType type, Collection<String> ids) throws SQLException;
}
