package dev.crmbridge.wazzup.internal.config;

import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.api.sync.TransactionalChanges;
import dev.crmbridge.wazzup.internal.cluster.Signals;
import dev.crmbridge.wazzup.internal.store.OutboxRow;
import dev.crmbridge.wazzup.internal.store.Schema;
import dev.crmbridge.wazzup.internal.store.StoreHandle;
import dev.crmbridge.wazzup.internal.sync.SyncedType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@link TransactionalChanges}: the outbox rows written on the host's connection, in its transaction, with
 * the same upsert the connector's own writes use; on PostgreSQL a {@code NOTIFY} in the same transaction
 * wakes the leader at the commit (and is dropped with a rollback).
 */
final class HostTransactions implements TransactionalChanges {

    private final Supplier<ConnectorRuntime> runtime;

    HostTransactions(Supplier<ConnectorRuntime> runtime) {
        this.runtime = runtime;
    }

    @Override
    public int saved(Connection connection, EntityType type, Collection<String> ids) throws SQLException {
        return record(connection, type, ids, OutboxRow.Op.SAVE);
    }

    @Override
    public int deleted(Connection connection, EntityType type, Collection<String> ids) throws SQLException {
        return record(connection, type, ids, OutboxRow.Op.DELETE);
    }

    private int record(Connection c, EntityType type, Collection<String> ids, OutboxRow.Op op) throws SQLException {
        Objects.requireNonNull(c, "connection");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(ids, "ids");
        ConnectorRuntime r = runtime.get();
        if (r == null) {
            throw new IllegalStateException("the Wazzup connector does not run");
        }
        StoreHandle storage = r.storage();
        if (storage.embedded()) {
            throw new IllegalStateException("the Wazzup connector keeps its store embedded (storage EMBEDDED): it is not"
                    + " in the host's database; report changes by events, or configure storage DATA_SOURCE");
        }
        for (String id : ids) {
            if (id == null || id.isEmpty() || id.length() > Schema.ID) {
                throw new IllegalArgumentException("a CRM id must have 1 to " + Schema.ID + " characters");
            }
        }
        SyncedType<?, ?> synced = r.engine().types().stream().filter(t -> t.type() == type).findFirst().orElse(null);
        if (synced == null || ids.isEmpty()) {
            return 0;
        }
        List<String> keys = new ArrayList<>(new java.util.LinkedHashSet<>(synced.keys(ids)));
        storage.store().outbox().enqueue(c, type, keys, synced.op(op), System.currentTimeMillis());
        if (storage.signals() != null) {
            try (PreparedStatement s = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                s.setString(1, Signals.CHANNEL);
                s.setString(2, storage.store().account() + "|" + Signals.Kind.OUTBOX.name() + "|the host");
                s.execute();
            }
        } else {
            r.engine().wake(); // alone: this node sends; it finds the row once the host commits
        }
        return ids.size();
    }
}
