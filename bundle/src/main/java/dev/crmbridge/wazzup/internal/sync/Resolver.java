package dev.crmbridge.wazzup.internal.sync;

import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.internal.store.OutboxRow;
import dev.crmbridge.wazzup.internal.util.Failures;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the current state of changed entities from the host and sorts their rows: ready to send,
 * unchanged (done), gone from the CRM (a delete if Wazzup holds them), waiting for the entities they
 * need. A directory that fails for one entity (it throws, or answers null for it) holds back only that
 * entity: the batch is split until the entity is found, and it is tried again after a pause, then set
 * aside as a dead letter. A directory that fails for everything is the host being down: everyone waits.
 */
final class Resolver {

    private static final Logger LOG = LoggerFactory.getLogger(Resolver.class);

    /** After this many failed reads of one entity it becomes a dead letter. */
    static final int MAX_READ_ATTEMPTS = 8;
    /** The dead-letter code of an entity the CRM could not give. */
    static final String CODE_CRM_READ_FAILED = "CRM_READ_FAILED";

    /** One entity ready to send; {@code held} tells whether Wazzup holds an older version. */
    record Ready(OutboxRow row, Object payload, String hash, boolean held) {
    }

    /**
     * What a read gave: payloads by key, the keys of every entity the host gave (some have no payload),
     * keys the host could not give (with why), or why the host is down.
     */
    private record Read(Map<String, Object> payloads, Set<String> present, Map<String, String> failed,
            Map<String, Limits.TooLong> tooLong, String down) {

        Read() {
            this(new HashMap<>(), new HashSet<>(), new LinkedHashMap<>(), new HashMap<>(), null);
        }

        static Read down(String why) {
            return new Read(Map.of(), Set.of(), Map.of(), Map.of(), why);
        }
    }

    private final SyncContext ctx;
    private final Sender sender;
    /** A type whose initial sync started with nothing of it in Wazzup: none of its hashes needs looking up. */
    private EntityType freshType;

    Resolver(SyncContext ctx, Sender sender) {
        this.ctx = ctx;
        this.sender = sender;
    }

    void freshType(EntityType type) {
        freshType = type;
    }

    /** Rows of the outbox: their entities are read from the directory now. */
    void resolve(SyncedType<?, ?> type, CrmDirectory dir, List<OutboxRow> rows, List<Ready> ready,
            List<OutboxRow> deletes, long now) {
        if (rows.isEmpty()) {
            return;
        }
        ctx.accepted.settle(); // rows may be the ones just accepted: their hashes must be there
        Read read = read(type, dir, rows.stream().map(OutboxRow::id).toList());
        if (read.down() != null) {
            // the host failed: keep the changes, try again later
            LOG.warn("Wazzup sync: {} ({} {} changes wait)", read.down(), rows.size(), type);
            ctx.health.failed(type.type(), read.down());
            // the host being down is no attempt of these entities: it must not bring them nearer a dead letter
            ctx.store.outbox().postpone(rows, now + ctx.health.pause(1).toMillis(), read.down(), false);
            return;
        }
        sort(type, dir, rows, read, ready, deletes, false, now);
    }

    /** Rows of an initial-sync page (not in the outbox), whose entities the page brought. */
    <E> void resolveLoaded(SyncedType<E, ?> type, CrmDirectory dir, List<OutboxRow> rows, List<E> entities,
            List<Ready> ready, long now) {
        Read read = new Read();
        for (E e : entities) {
            map(type, e, read);
        }
        sort(type, dir, rows, read, ready, new ArrayList<>(), type.type() == freshType, now);
    }

    private void sort(SyncedType<?, ?> type, CrmDirectory dir, List<OutboxRow> rows, Read read, List<Ready> ready,
            List<OutboxRow> deletes, boolean nothingHeld, long now) {
        List<String> ids = rows.stream().map(OutboxRow::id).toList();
        Map<String, String> held = nothingHeld ? Map.of() : ctx.store.synced().hashes(type.type(), ids);
        List<OutboxRow> done = new ArrayList<>();
        List<OutboxRow> unreadable = new ArrayList<>();
        List<Ready> candidates = new ArrayList<>();
        for (OutboxRow r : rows) {
            Limits.TooLong tooLong = read.tooLong().get(r.id());
            if (tooLong != null) {
                sender.deadLetter(r, Limits.CODE, "Not sent: " + tooLong.getMessage(), List.of(tooLong.field()), now);
                continue;
            }
            if (read.failed().containsKey(r.id())) {
                unreadable.add(r);
                continue;
            }
            Object payload = read.payloads().get(r.id());
            if (payload == null) {
                (held.containsKey(r.id()) ? deletes : done).add(r);
                continue;
            }
            String hash = Payloads.hash(payload);
            if (hash.equals(held.get(r.id()))) {
                done.add(r);
            } else {
                candidates.add(new Ready(r, payload, hash, held.containsKey(r.id())));
            }
        }
        ctx.store.outbox().complete(done);
        unreadable(type, unreadable, read.failed(), now);
        ready.addAll(type.needs() == null ? candidates : withNeeds(type, dir, candidates, now));
    }

    /** Entities the host could not give: tried again after a pause that grows, then set aside. */
    private void unreadable(SyncedType<?, ?> type, List<OutboxRow> rows, Map<String, String> why, long now) {
        if (rows.isEmpty()) {
            return;
        }
        List<String> synthetic = new ArrayList<>();
        for (OutboxRow r : rows) {
            String reason = why.get(r.id());
            ctx.health.failed(type.type(), reason);
            if (r.seq() < 0) {
                synthetic.add(r.id()); // a row of the initial sync: recorded, so that it is tried again
            } else if (r.attempts() + 1 >= MAX_READ_ATTEMPTS) {
                sender.deadLetter(r, CODE_CRM_READ_FAILED, "The CRM could not give this entity " + (r.attempts() + 1)
                        + " times: " + reason, List.of(), now);
            } else {
                LOG.warn("Wazzup sync: {} {} waits: {}", type, r.id(), reason);
                ctx.store.outbox().postpone(List.of(r), now + ctx.health.pause(r.attempts() + 1).toMillis(), reason, true);
            }
        }
        ctx.store.outbox().enqueue(type.type(), synthetic, OutboxRow.Op.SAVE, now);
    }

    /** Reads entities, isolating the keys the host fails for. */
    private <E> Read read(SyncedType<E, ?> type, CrmDirectory dir, List<String> keys) {
        Read read = new Read();
        List<E> all;
        try {
            all = type.read(dir, keys);
        } catch (Throwable e) {
            Failures.rethrowIfFatal(e);
            // one bad entity, or the host down? The first and the last key alone tell, else a listing
            boolean first = probe(type, dir, keys.get(0), read);
            boolean last = keys.size() > 1 && probe(type, dir, keys.get(keys.size() - 1), read);
            if (!first && !last && !answers(type, dir)) {
                return Read.down(why(e));
            }
            if (keys.size() > 2) {
                split(type, dir, keys.subList(1, keys.size() - 1), read);
            }
            return read;
        }
        mapAll(type, dir, keys, all, read);
        return read;
    }

    /** Maps what a lookup answered; when it answered null for some entity, each key not found alone tells which. */
    private <E> void mapAll(SyncedType<E, ?> type, CrmDirectory dir, List<String> keys, List<E> answered, Read read) {
        boolean nulls = false;
        for (E entity : answered) {
            if (entity == null) {
                nulls = true;
            } else {
                map(type, entity, read);
            }
        }
        if (nulls) {
            for (String k : keys) {
                if (!read.present().contains(k) && !read.failed().containsKey(k)) {
                    probe(type, dir, k, read);
                }
            }
        }
    }

    /** Whether the host answers at all (the first entity of a listing): a failure of one key is then its own. */
    private static boolean answers(SyncedType<?, ?> type, CrmDirectory dir) {
        try {
            type.page(dir, null, 1);
            return true;
        } catch (Throwable e) {
            Failures.rethrowIfFatal(e);
            return false;
        }
    }

    /** Bisects a failing read down to the keys that fail alone. */
    private <E> void split(SyncedType<E, ?> type, CrmDirectory dir, List<String> keys, Read read) {
        if (keys.size() <= 1) {
            keys.forEach(k -> probe(type, dir, k, read));
            return;
        }
        List<E> all;
        try {
            all = type.read(dir, keys);
        } catch (Throwable e) {
            Failures.rethrowIfFatal(e);
            int half = keys.size() / 2;
            split(type, dir, keys.subList(0, half), read);
            split(type, dir, keys.subList(half, keys.size()), read);
            return;
        }
        mapAll(type, dir, keys, all, read);
    }

    /** Reads one key alone; answers whether the host could answer for it. */
    private <E> boolean probe(SyncedType<E, ?> type, CrmDirectory dir, String key, Read read) {
        try {
            for (E entity : type.read(dir, List.of(key))) {
                if (entity == null) {
                    read.failed().put(key, "the CRM directory answered null in place of it");
                    return false;
                }
                map(type, entity, read);
            }
            return true;
        } catch (Throwable e) {
            Failures.rethrowIfFatal(e);
            read.failed().put(key, why(e));
            return false;
        }
    }

    private static <E> void map(SyncedType<E, ?> type, E entity, Read read) {
        String id;
        try {
            id = type.id(entity);
        } catch (Throwable e) {
            Failures.rethrowIfFatal(e);
            return; // an entity without an id names no row
        }
        if (id == null) {
            return;
        }
        read.present().add(id);
        try {
            Object p = type.payload(entity);
            if (p != null) {
                read.payloads().put(id, p);
            }
        } catch (Limits.TooLong e) {
            read.tooLong().put(id, e);
        } catch (Throwable e) {
            Failures.rethrowIfFatal(e);
            read.failed().put(id, "the connector could not read it: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    static String why(Throwable e) {
        return "the CRM directory failed: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /**
     * Entities whose needed entities Wazzup holds; the others wait for them (queued first), or are set
     * aside when one cannot come.
     */
    private List<Ready> withNeeds(SyncedType<?, ?> type, CrmDirectory dir, List<Ready> candidates, long now) {
        SyncedType<?, ?> need = type.needs();
        Map<Ready, Collection<String>> needs = new LinkedHashMap<>();
        Set<String> needed = new HashSet<>();
        for (Ready r : candidates) {
            Collection<String> n = needed(type, r.payload());
            needs.put(r, n);
            needed.addAll(n);
        }
        Set<String> missing = new HashSet<>(needed);
        missing.removeAll(ctx.store.synced().hashes(need.type(), needed).keySet());
        if (missing.isEmpty()) {
            return candidates;
        }
        Set<String> dead = ctx.store.deadLetters().among(need.type(), missing);
        Read inCrm = read(need, dir, new ArrayList<>(missing));
        List<Ready> ok = new ArrayList<>();
        List<OutboxRow> waiting = new ArrayList<>();
        Set<String> toQueue = new HashSet<>();
        String prefix = need.type().name();
        String noun = need.type().name().toLowerCase(java.util.Locale.ROOT);
        for (Map.Entry<Ready, Collection<String>> e : needs.entrySet()) {
            String code = null;
            String blocker = null;
            boolean wait = false;
            for (String c : e.getValue()) {
                if (!missing.contains(c)) {
                    continue;
                }
                if (dead.contains(c)) {
                    code = prefix + "_REJECTED";
                    blocker = "its " + noun + " " + c + " was rejected by Wazzup (see that dead letter)";
                } else if (inCrm.down() != null || inCrm.failed().containsKey(c)) {
                    wait = true; // the host could not say: ask again later
                } else if (!inCrm.present().contains(c)) {
                    code = prefix + "_NOT_IN_CRM";
                    blocker = "its " + noun + " " + c + " does not exist in the CRM";
                } else if (!inCrm.payloads().containsKey(c)) {
                    code = need.unsendableCode();
                    blocker = "its " + noun + " " + c + " " + need.unsendableWhy();
                } else {
                    wait = true;
                    toQueue.add(c);
                }
                if (code != null) {
                    break;
                }
            }
            if (code != null) {
                sender.deadLetter(e.getKey().row(), code, type.type().name().charAt(0)
                        + type.type().name().substring(1).toLowerCase(java.util.Locale.ROOT) + " not sent: " + blocker,
                        List.of(noun + "s"), now);
            } else if (wait) {
                waiting.add(e.getKey().row());
            } else {
                ok.add(e.getKey());
            }
        }
        ctx.store.outbox().enqueue(need.type(), toQueue, OutboxRow.Op.SAVE, now);
        // waiting is not a failure: no attempt is counted. A row of the initial sync (not in the outbox)
        // is recorded so that it waits there.
        ctx.store.outbox().enqueue(type.type(), waiting.stream().filter(r -> r.seq() < 0).map(OutboxRow::id).toList(),
                OutboxRow.Op.SAVE, now);
        ctx.store.outbox().postpone(waiting.stream().filter(r -> r.seq() >= 0).toList(),
                now + Math.max(1_000, ctx.settings.batchDelay().toMillis()), "waiting for its " + noun + "s", false);
        return ok;
    }

    @SuppressWarnings("unchecked")
    private static <P> Collection<String> needed(SyncedType<?, P> type, Object payload) {
        return type.needed((P) payload);
    }
}
