package dev.crmbridge.wazzup.internal.sync;

import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.spi.Page;
import dev.crmbridge.wazzup.internal.client.WazzupException;
import dev.crmbridge.wazzup.internal.store.FencedException;
import dev.crmbridge.wazzup.internal.store.OutboxRow;
import dev.crmbridge.wazzup.internal.store.Refs;
import dev.crmbridge.wazzup.internal.store.Schema;
import dev.crmbridge.wazzup.internal.util.Failures;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares the CRM with what Wazzup lists and queues every difference: entities Wazzup lacks or holds
 * otherwise are sent, entities the CRM no longer has are deleted (with {@code reconcileDeletes}). Runs
 * every {@code reconcileInterval}, and when asked ({@link #request()}, durably: a request survives the
 * engine it was made of). A type whose paging does not advance is reported and left as it is.
 */
final class Reconciler {

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    static final String LAST = "reconcile.last";
    static final String REQUESTED = "reconcile.requested";

    private final SyncContext ctx;
    private volatile boolean requested;

    Reconciler(SyncContext ctx) {
        this.ctx = ctx;
    }

    /** Reads a request made of an earlier engine (a configuration change, a restart). */
    void load() {
        requested |= "1".equals(ctx.store.meta().get(REQUESTED));
    }

    /** A request was recorded through another reconciler of the account: this one does it. */
    void requested() {
        requested = true;
    }

    /** Asks for a reconciliation as soon as possible; durable. */
    void request() {
        ctx.store.meta().put(REQUESTED, "1");
        requested = true;
    }

    /** When the next periodic one is due ({@link Long#MAX_VALUE}: never). */
    long nextAt() {
        if (ctx.settings.reconcileInterval().isZero() || ctx.settings.reconcileInterval().isNegative()) {
            return Long.MAX_VALUE;
        }
        String last = ctx.store.meta().get(LAST);
        long base = last == null ? ctx.clock.millis() : Long.parseLong(last);
        if (last == null) {
            ctx.store.meta().put(LAST, Long.toString(base));
        }
        return base + ctx.settings.reconcileInterval().toMillis();
    }

    boolean due(long nextAt, long now) {
        return ctx.client != null && ctx.directory.get() != null && (requested || now >= nextAt);
    }

    /** Compares the CRM with Wazzup and queues every difference. */
    void run() {
        requested = false;
        ctx.accepted.settle();
        CrmDirectory dir = ctx.directory.get();
        if (dir == null || ctx.client == null) {
            return;
        }
        long t0 = System.nanoTime();
        long now = ctx.clock.millis();
        int queued = 0;
        try {
            for (SyncedType<?, ?> type : ctx.types) {
                queued += reconcile(type, dir, now);
            }
        } catch (Abort | FencedException stop) {
            throw stop;
        } catch (WazzupException e) {
            if (!ctx.running()) {
                LOG.debug("Wazzup sync: reconciliation stopped with the engine; the next engine does it");
                return;
            }
            LOG.warn("Wazzup sync: reconciliation stopped: {}", e.getMessage());
            ctx.health.problem("reconciliation failed: " + e.getMessage());
            return;
        } catch (RuntimeException e) {
            LOG.warn("Wazzup sync: reconciliation stopped: the CRM directory failed", e);
            ctx.health.problem("reconciliation stopped: " + Resolver.why(e));
            return;
        }
        ctx.store.meta().putAll(Map.of(LAST, Long.toString(now), REQUESTED, ""));
        LOG.info("Wazzup sync: reconciliation queued {} differences in {} ms", queued, (System.nanoTime() - t0) / 1_000_000);
    }

    private <E, P> int reconcile(SyncedType<E, P> type, CrmDirectory dir, long now) {
        ctx.check();
        Listed<P> listed = type.listed(ctx.client);
        Map<String, P> wazzup = listed.byKey();
        Set<String> stored = type.listingIsPartial() ? new HashSet<>(ctx.store.synced().ids(type.type())) : Set.of();
        List<String> save = new ArrayList<>();
        Map<String, String> aligned = new HashMap<>();
        Map<String, Refs> alignedRefs = new HashMap<>();
        Set<String> inCrm = new HashSet<>();
        Set<String> cursors = new HashSet<>();
        String cursor = null;
        do {
            Page<E> page = type.page(dir, cursor, Dispatcher.PAGE);
            for (E entity : page.items()) {
                String id = entity == null ? null : type.id(entity);
                if (id == null) {
                    continue;
                }
                P payload;
                try {
                    payload = type.payload(entity);
                } catch (Throwable e) {
                    Failures.rethrowIfFatal(e);
                    inCrm.add(id); // it exists; the dispatcher reports why it cannot be read
                    continue;
                }
                if (payload == null) {
                    continue; // cannot be in Wazzup (a contact without chats)
                }
                inCrm.add(id);
                if (id.length() > Schema.ID) {
                    continue; // never syncable; the dispatcher sets it aside
                }
                P there = wazzup.get(id);
                if (there == null && !listed.complete()) {
                    continue; // the listing stopped early: whether Wazzup holds it is unknown
                }
                if (there == null || !type.same(payload, there)) {
                    save.add(id);
                } else if (type.listingIsPartial() && !stored.contains(id)) {
                    save.add(id); // the listing leaves fields out: send once to be sure
                } else {
                    aligned.put(id, Payloads.hash(payload));
                    Refs r = type.refs(payload);
                    if (r != null) {
                        alignedRefs.put(id, r);
                    }
                }
            }
            cursor = page.nextCursor();
            if (cursor != null && !cursors.add(cursor)) {
                String why = "the CRM directory's paging of " + type + " does not advance (a cursor came back);"
                        + " their reconciliation was skipped";
                LOG.error("Wazzup sync: {}", why);
                ctx.health.note(type.type(), why);
                return 0;
            }
        } while (cursor != null);
        List<String> gone = new ArrayList<>();
        for (String id : wazzup.keySet()) {
            if (!inCrm.contains(id) && id != null && id.length() <= Schema.ID) {
                gone.add(id);
            }
        }
        if (listed.complete()) {
            ctx.health.clearNote(type.type());
        } else {
            String why = "Wazzup's listing of " + type + " repeats a page (it ignores offset); reconciliation compared"
                    + " the " + wazzup.size() + " it listed and left the others as they are";
            LOG.warn("Wazzup sync: {}", why);
            ctx.health.note(type.type(), why);
        }
        ctx.store.aligned(type.type(), aligned, alignedRefs, now);
        ctx.store.forget(type.type(), save);
        ctx.store.outbox().enqueue(type.type(), save, OutboxRow.Op.SAVE, now);
        boolean deletes = ctx.settings.reconcileDeletes() && !gone.isEmpty();
        if (deletes) {
            // the dispatcher deletes only what it knows Wazzup holds
            Map<String, String> marks = new HashMap<>();
            gone.forEach(id -> marks.put(id, "reconciled"));
            ctx.store.aligned(type.type(), marks, Map.of(), now);
            ctx.store.outbox().enqueue(type.type(), gone, OutboxRow.Op.DELETE, now);
        } else {
            ctx.store.forget(type.type(), gone);
        }
        int diff = save.size() + (deletes ? gone.size() : 0);
        if (diff > 0) {
            LOG.info("Wazzup sync: reconciliation found {} {} to send and {} to delete", save.size(), type,
                    deletes ? gone.size() : 0);
        }
        return diff;
    }
}
