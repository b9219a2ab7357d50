package dev.crmbridge.wazzup.internal.sync;

import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.internal.store.OutboxRow;
import dev.crmbridge.wazzup.internal.sync.Resolver.Ready;
import java.util.ArrayList;
import java.util.List;

/**
 * A dispatch round: sends what is due in the outbox, type by type in sending order, in batches; a batch
 * that is not full waits for more (see {@link #partialDue}) unless a later type is due, since the order
 * users → pipelines → contacts → deals must hold.
 */
final class Dispatcher {

    /** Requests carry at most this many entities (§1.5 of the reference). */
    static final int BATCH = 100;
    /** Outbox rows read per query. */
    static final int PAGE = 1_000;

    private final SyncContext ctx;
    private final Resolver resolver;
    private final Sender sender;

    Dispatcher(SyncContext ctx, Resolver resolver, Sender sender) {
        this.ctx = ctx;
        this.resolver = resolver;
        this.sender = sender;
    }

    /** Sends what is due; answers when to look again. */
    long round() {
        long now = ctx.clock.millis();
        if (ctx.client == null) {
            ctx.health.problem("no Wazzup API key is configured: changes are recorded and will be sent once it is");
            return Long.MAX_VALUE;
        }
        CrmDirectory dir = ctx.directory.get();
        if (dir == null) {
            ctx.health.problem("waiting for the host's CrmDirectory service");
            return Long.MAX_VALUE;
        }
        if (now < ctx.health.pausedUntil()) {
            return ctx.health.pausedUntil();
        }
        long wake = Long.MAX_VALUE;
        try {
            List<SyncedType<?, ?>> types = ctx.types;
            for (int i = 0; i < types.size(); i++) {
                boolean flush = false;
                for (SyncedType<?, ?> later : types.subList(i + 1, types.size())) {
                    flush = flush || !ctx.store.outbox().due(later.type(), now, "", 1).isEmpty();
                }
                wake = Math.min(wake, dispatch(types.get(i), dir, now, flush));
            }
        } catch (Abort stop) {
            return ctx.health.pausedUntil();
        } finally {
            if (ctx.accepted.outboxRowsInFlight()) {
                ctx.accepted.settle();
            }
        }
        if (!ctx.health.failing()) {
            ctx.health.problem(null);
        }
        return Math.min(wake, ctx.store.outbox().nextDueAfter(now));
    }

    private long dispatch(SyncedType<?, ?> type, CrmDirectory dir, long now, boolean flush) {
        String after = "";
        List<Ready> saves = new ArrayList<>();
        List<OutboxRow> deletes = new ArrayList<>();
        int batch = type.batchSize();
        while (true) {
            ctx.check();
            List<OutboxRow> rows = ctx.store.outbox().due(type.type(), now, after, PAGE);
            if (rows.isEmpty()) {
                break;
            }
            after = rows.get(rows.size() - 1).id();
            List<OutboxRow> saveRows = new ArrayList<>();
            for (OutboxRow r : rows) {
                (r.op() == OutboxRow.Op.DELETE ? deletes : saveRows).add(r);
            }
            resolver.resolve(type, dir, saveRows, saves, deletes, now);
            while (saves.size() >= batch) {
                sender.send(type, new ArrayList<>(saves.subList(0, batch)), now);
                saves.subList(0, batch).clear();
            }
            while (deletes.size() >= BATCH) {
                sender.delete(type, new ArrayList<>(deletes.subList(0, BATCH)), now);
                deletes.subList(0, BATCH).clear();
            }
            if (rows.size() < PAGE) {
                break;
            }
        }
        long hold = Long.MAX_VALUE;
        if (!saves.isEmpty()) {
            long due = partialDue(saves.stream().mapToLong(r -> r.row().createdAt()).toArray());
            if (flush || due <= now) {
                sender.send(type, saves, now);
            } else {
                hold = due;
            }
        }
        if (!deletes.isEmpty()) {
            long due = partialDue(deletes.stream().mapToLong(OutboxRow::createdAt).toArray());
            if (flush || due <= now) {
                sender.delete(type, deletes, now);
            } else {
                hold = Math.min(hold, due);
            }
        }
        return hold;
    }

    /**
     * When a batch that is not full goes anyway: once no change joined it for the batch delay (a burst
     * is over), and at the latest eight batch delays after its oldest change (a steady trickle).
     */
    private long partialDue(long[] createdAt) {
        long window = ctx.settings.batchDelay().toMillis();
        long oldest = Long.MAX_VALUE;
        long newest = Long.MIN_VALUE;
        for (long t : createdAt) {
            oldest = Math.min(oldest, t);
            newest = Math.max(newest, t);
        }
        return Math.min(newest + window, oldest + 8 * window);
    }
}
