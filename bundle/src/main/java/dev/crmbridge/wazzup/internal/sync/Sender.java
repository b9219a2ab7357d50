package dev.crmbridge.wazzup.internal.sync;

import dev.crmbridge.wazzup.api.sync.DeadLetter;
import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.internal.client.ForbiddenException;
import dev.crmbridge.wazzup.internal.client.InvalidDataException;
import dev.crmbridge.wazzup.internal.client.ItemError;
import dev.crmbridge.wazzup.internal.client.RateLimitedException;
import dev.crmbridge.wazzup.internal.client.UnauthorizedException;
import dev.crmbridge.wazzup.internal.client.UnavailableException;
import dev.crmbridge.wazzup.internal.client.WazzupException;
import dev.crmbridge.wazzup.internal.store.OutboxRow;
import dev.crmbridge.wazzup.internal.store.Refs;
import dev.crmbridge.wazzup.internal.store.Schema;
import dev.crmbridge.wazzup.internal.store.Store;
import dev.crmbridge.wazzup.internal.sync.Resolver.Ready;
import dev.crmbridge.wazzup.internal.util.Digests;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends batches to Wazzup and records the outcome: accepted (through {@link AcceptedWrites}), rejected
 * (the items Wazzup names, or found by bisecting the batch, become dead letters while the rest goes
 * through), or Wazzup unavailable (everyone pauses, the step ends, the rows wait).
 */
final class Sender {

    private static final Logger LOG = LoggerFactory.getLogger(Sender.class);

    private final SyncContext ctx;
    private final Runnable wake;

    Sender(SyncContext ctx, Runnable wake) {
        this.ctx = ctx;
        this.wake = wake;
    }

    /** Sends one batch of upserts; isolates what Wazzup rejects. */
    <P> void send(SyncedType<?, P> type, List<Ready> batch, long now) {
        if (batch.isEmpty()) {
            return;
        }
        ctx.check();
        try {
            type.upsert(ctx.client, batch.stream().map(r -> type.cast(r.payload())).toList());
        } catch (UnauthorizedException | ForbiddenException | UnavailableException | RateLimitedException e) {
            unavailable(type, batch.stream().map(Ready::row).toList(), e, now);
            throw new Abort();
        } catch (WazzupException e) {
            rejected(type, batch, e, now);
            return;
        }
        accepted(type, batch, now);
    }

    /** Wazzup rejected the batch: set aside the items it named, or bisect to find them. */
    private <P> void rejected(SyncedType<?, P> type, List<Ready> batch, WazzupException e, long now) {
        List<ItemError> items = e instanceof InvalidDataException ide ? ide.itemErrors() : List.of();
        if (!items.isEmpty()) {
            Set<String> named = new HashSet<>();
            for (ItemError item : items) {
                Ready r = item.id() != null ? byId(batch, item.id())
                        : item.index() >= 0 && item.index() < batch.size() ? batch.get(item.index()) : null;
                if (r != null && named.add(r.row().id())) {
                    deadLetter(r.row(), e.errorCode(), describe(e), item.fields(), now);
                }
            }
            if (!named.isEmpty()) {
                send(type, batch.stream().filter(r -> !named.contains(r.row().id())).toList(), now);
                return;
            }
        }
        if (batch.size() == 1) {
            List<String> fields = e instanceof InvalidDataException ide ? ide.fields() : List.of();
            deadLetter(batch.get(0).row(), e.errorCode(), describe(e), fields, now);
            return;
        }
        int half = batch.size() / 2;
        send(type, batch.subList(0, half), now);
        send(type, batch.subList(half, batch.size()), now);
    }

    private static Ready byId(List<Ready> batch, String id) {
        return batch.stream().filter(r -> r.row().id().equals(id)).findFirst().orElse(null);
    }

    /** Sets an entity aside with the reason and removes its row. */
    void deadLetter(OutboxRow row, String code, String reason, List<String> fields, long now) {
        ctx.deadLetters.incrementAndGet();
        LOG.warn("Wazzup sync: {} {} set aside: {} {}", row.type(), row.id(), code, fields);
        ctx.store.deadLetters().put(new DeadLetter(row.type(), row.id(), code == null ? "REJECTED" : code, reason, fields,
                Instant.ofEpochMilli(now), row.attempts() + 1));
        ctx.store.outbox().complete(List.of(row));
    }

    /** The dead letter of an entity whose id is longer than the store keeps: it can never be synced. */
    static DeadLetter idTooLong(EntityType type, String id, long now) {
        return new DeadLetter(type, Digests.bounded(id, Schema.ID), "ID_TOO_LONG", "The CRM's id of this entity has "
                + id.length() + " characters; the connector keeps at most " + Schema.ID + " and Wazzup at most 100,"
                + " so it cannot be synced. It starts with: " + id.substring(0, Math.min(60, id.length())), List.of("id"),
                Instant.ofEpochMilli(now), 1);
    }

    static String describe(WazzupException e) {
        String d = e.description();
        return "Wazzup answered " + e.status() + (e.errorCode() == null ? "" : " " + e.errorCode())
                + (d == null || d.isBlank() ? "" : ": " + d);
    }

    /** Deletes from Wazzup what the CRM deleted, in one request (at most a batch). */
    void delete(SyncedType<?, ?> type, List<OutboxRow> rows, long now) {
        if (rows.isEmpty()) {
            return;
        }
        ctx.accepted.settle();
        Map<String, String> held = ctx.store.synced().hashes(type.type(), rows.stream().map(OutboxRow::id).toList());
        List<OutboxRow> known = rows.stream().filter(r -> held.containsKey(r.id())).toList();
        ctx.store.outbox().complete(rows.stream().filter(r -> !held.containsKey(r.id())).toList());
        if (known.isEmpty()) {
            return;
        }
        List<String> ids = known.stream().map(OutboxRow::id).toList();
        ctx.check();
        try {
            type.delete(ctx.client, ids);
        } catch (UnauthorizedException | ForbiddenException | UnavailableException | RateLimitedException e) {
            unavailable(type, known, e, now);
            throw new Abort();
        } catch (WazzupException e) {
            for (OutboxRow r : known) {
                deadLetter(r, e.errorCode(), "delete refused: " + describe(e), List.of(), now);
            }
            return;
        }
        ctx.store.forget(type.type(), ids);
        ctx.store.outbox().complete(known);
        ctx.store.deadLetters().remove(type.type(), ids);
        ctx.health.succeeded(type.type());
    }

    /** Wazzup could not take requests: the rows wait for the pause. */
    void unavailable(SyncedType<?, ?> type, List<OutboxRow> rows, WazzupException e, long now) {
        String why = ctx.health.unavailable(type.type(), e, now);
        long until = ctx.health.pausedUntil();
        LOG.warn("Wazzup sync: {}; {} changes of {} wait, retry in {} s", why, rows.size(), type, (until - now) / 1000);
        ctx.store.outbox().postpone(rows, until, why, false); // Wazzup's outage is no attempt of theirs
    }

    /**
     * Records what Wazzup accepted; the write runs while the dispatcher sends the next batches. Dead
     * letters of a type that needs these entities (deals waiting for contacts) go back to the outbox.
     */
    private <P> void accepted(SyncedType<?, P> type, List<Ready> batch, long now) {
        Map<String, String> hashes = new LinkedHashMap<>();
        Map<String, Refs> refs = new HashMap<>();
        for (Ready r : batch) {
            hashes.put(r.row().id(), r.hash());
            Refs x = type.refs(type.cast(r.payload()));
            if (x != null) {
                refs.put(r.row().id(), x);
            }
        }
        List<OutboxRow> rows = batch.stream().map(Ready::row).toList();
        List<String> known = batch.stream().filter(Ready::held).map(r -> r.row().id()).toList();
        boolean clearDead = ctx.deadLetters.get() > 0;
        SyncedType<?, ?> dependent = ctx.types.stream().filter(t -> t.needs() == type).findFirst().orElse(null);
        ctx.health.succeeded(type.type());
        ctx.accepted.add(new Store.Accepted(type.type(), hashes, known, rows, clearDead, refs,
                dependent == null ? null : dependent.type(), type.type().name() + "_", now), wake);
    }
}
