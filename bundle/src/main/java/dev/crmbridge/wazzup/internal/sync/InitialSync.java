package dev.crmbridge.wazzup.internal.sync;

import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.spi.Page;
import dev.crmbridge.wazzup.internal.store.OutboxRow;
import dev.crmbridge.wazzup.internal.store.Schema;
import dev.crmbridge.wazzup.internal.sync.Resolver.Ready;
import dev.crmbridge.wazzup.internal.util.Failures;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The initial sync of a new account, one page of the CRM per step: read straight from the directory and
 * sent in batches (what Wazzup already holds is skipped by its hash), type by type in sending order. The
 * position is kept in the store with the page's last hashes, so a restart resumes where it stopped; no
 * outbox row is written for it. A directory whose paging does not advance (a cursor comes back) is
 * reported, and that type's initial sync ends there.
 */
final class InitialSync {

    private static final Logger LOG = LoggerFactory.getLogger(InitialSync.class);

    static final String ACCOUNT = "account";
    static final String PHASE = "initial.phase";
    static final String CURSOR = "initial.cursor";
    static final String DONE = "DONE";

    private final SyncContext ctx;
    private final Resolver resolver;
    private final Sender sender;
    /** The next page, ahead of the store (which records it after the page's writes). */
    private String nextCursor;
    /** The cursors of the type being read, to notice paging that goes round in circles. */
    private final Set<String> seen = new HashSet<>();
    private volatile boolean complete;
    /**
     * The types Wazzup held none of when this run of the initial sync began (read once: counting a
     * large table at each type's start would cost more than the type's first pages). Each is taken out
     * once its reading starts, so a type read again from the start looks its hashes up.
     */
    private Set<EntityType> emptyAtStart;

    InitialSync(SyncContext ctx, Resolver resolver, Sender sender) {
        this.ctx = ctx;
        this.resolver = resolver;
        this.sender = sender;
    }

    boolean complete() {
        return complete;
    }

    /** Whether the store says the initial sync is complete (as a node that does not lead sees it). */
    static boolean completeIn(SyncContext ctx) {
        return ctx.settings.accountDigest().equals(ctx.store.meta().get(ACCOUNT)) && DONE.equals(ctx.store.meta().get(PHASE));
    }

    /** Does the next page; answers true once the initial sync is complete (or not wanted). */
    boolean step() {
        if (complete) {
            return true;
        }
        String known = ctx.store.meta().get(ACCOUNT);
        if (!ctx.settings.accountDigest().equals(known)) {
            if (known != null) {
                LOG.info("Wazzup sync: the API key belongs to another account; everything will be sent again");
                ctx.store.clearSyncState();
            }
            ctx.store.meta().putAll(Map.of(ACCOUNT, ctx.settings.accountDigest(),
                    PHASE, ctx.settings.initialSync() ? ctx.types.get(0).type().name() : DONE, CURSOR, ""));
        }
        String phase = ctx.store.meta().get(PHASE);
        if (phase == null || phase.equals(DONE)) {
            complete = true;
            return true;
        }
        CrmDirectory dir = ctx.directory.get();
        long now = ctx.clock.millis();
        if (dir == null || ctx.client == null || now < ctx.health.pausedUntil()) {
            return false;
        }
        SyncedType<?, ?> type = ctx.types.stream().filter(t -> t.type().name().equals(phase)).findFirst().orElse(null);
        if (type == null) {
            next(phase, now); // a type this scheme does not sync (the scheme changed)
            return false;
        }
        String cursor = nextCursor != null ? nextCursor : ctx.store.meta().get(CURSOR);
        boolean start = cursor == null || cursor.isEmpty();
        if (start) {
            seen.clear();
            // a type starting from nothing: no entity of it can be in Wazzup yet, no need to look up hashes
            if (emptyAtStart == null) {
                emptyAtStart = EnumSet.noneOf(EntityType.class);
                ctx.store.synced().counts().forEach((t, n) -> {
                    if (n == 0) {
                        emptyAtStart.add(t);
                    }
                });
            }
            resolver.freshType(emptyAtStart.remove(type.type()) ? type.type() : null);
        }
        String next;
        try {
            next = page(type, dir, start ? null : cursor, now);
        } catch (Abort stop) {
            return false; // Wazzup unavailable: this page again after the pause
        } catch (RuntimeException e) {
            if (!start && !(e instanceof dev.crmbridge.wazzup.internal.store.FencedException)) {
                // a position the host no longer understands: read the type again from the start; what
                // Wazzup already holds costs nothing (hashes)
                LOG.warn("Wazzup sync: initial sync could not resume {} at the saved position; starting the type again", type);
                nextCursor = null;
                ctx.store.meta().put(CURSOR, "");
                return false;
            }
            throw e;
        }
        if (next != null && !seen.add(next)) {
            String why = "the CRM directory's paging of " + type.type().name().toLowerCase(java.util.Locale.ROOT)
                    + "s does not advance (a cursor came back); the initial sync of them stopped there";
            LOG.error("Wazzup sync: {}", why);
            ctx.health.note(type.type(), why);
            next = null;
        } else if (next == null) {
            ctx.health.clearNote(type.type());
        }
        // the position moves past the page in the transaction of its last hashes, never before them
        if (next != null) {
            ctx.accepted.facts(Map.of(CURSOR, next));
            nextCursor = next;
            return false;
        }
        return next(phase, now);
    }

    private boolean next(String phase, long now) {
        nextCursor = null;
        int i = -1;
        for (int k = 0; k < ctx.types.size(); k++) {
            if (ctx.types.get(k).type().name().equals(phase)) {
                i = k;
            }
        }
        String after = i >= 0 && i + 1 < ctx.types.size() ? ctx.types.get(i + 1).type().name() : DONE;
        ctx.accepted.facts(Map.of(PHASE, after, CURSOR, ""));
        ctx.accepted.settle();
        if (after.equals(DONE)) {
            LOG.info("Wazzup sync: initial sync complete");
            complete = true;
        }
        return complete;
    }

    /** Sends one page; answers the next cursor, null at the end of the type. */
    private <E> String page(SyncedType<E, ?> type, CrmDirectory dir, String cursor, long now) {
        Page<E> page = type.page(dir, cursor, Dispatcher.PAGE);
        List<OutboxRow> rows = new ArrayList<>();
        for (E e : page.items()) {
            String id;
            try {
                id = e == null ? null : type.id(e);
            } catch (Throwable t) {
                Failures.rethrowIfFatal(t);
                id = null; // an entity without a readable id names no row
            }
            if (id != null && id.length() > Schema.ID) {
                ctx.store.deadLetters().put(Sender.idTooLong(type.type(), id, now));
            } else if (id != null) {
                // rows that exist only here: completing or postponing them touches nothing in the outbox
                rows.add(new OutboxRow(type.type(), id, OutboxRow.Op.SAVE, -1, now, 0, now));
            }
        }
        List<Ready> ready = new ArrayList<>();
        resolver.resolveLoaded(type, dir, rows, page.items(), ready, now);
        int batch = type.batchSize();
        for (int from = 0; from < ready.size(); from += batch) {
            sender.send(type, ready.subList(from, Math.min(ready.size(), from + batch)), now);
        }
        return page.nextCursor();
    }
}
