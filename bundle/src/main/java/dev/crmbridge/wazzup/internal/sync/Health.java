package dev.crmbridge.wazzup.internal.sync;

import dev.crmbridge.wazzup.api.sync.EntityStatus;
import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.internal.client.ForbiddenException;
import dev.crmbridge.wazzup.internal.client.UnauthorizedException;
import dev.crmbridge.wazzup.internal.client.WazzupException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the sync tells about itself: per type the last success and the last error, the problem in an
 * administrator's words, and the pause after Wazzup failed (2 s, doubling up to the configured
 * maximum). Written by the sync thread, read by anyone.
 */
final class Health {

    /** The first pause after Wazzup failed; it doubles up to the configured maximum. */
    static final Duration FIRST_PAUSE = Duration.ofSeconds(2);

    private final Clock clock;
    private final Duration maxPause;
    private final Map<EntityType, Instant> lastSuccess = new ConcurrentHashMap<>();
    private final Map<EntityType, String> lastError = new ConcurrentHashMap<>();
    private final Map<EntityType, Instant> lastErrorAt = new ConcurrentHashMap<>();
    private volatile String problem;
    private final Map<EntityType, String> notes = new ConcurrentHashMap<>();
    private volatile long pausedUntil;
    private volatile int failures;
    private volatile Outage outage;

    Health(Clock clock, Duration maxPause) {
        this.clock = clock;
        this.maxPause = maxPause;
    }

    long pausedUntil() {
        return pausedUntil;
    }

    boolean failing() {
        return failures > 0;
    }

    String problem() {
        String p = problem;
        return p != null ? p : notes.values().stream().findFirst().orElse(null);
    }

    /** A problem of one type that lasts until that type is read whole again (paging that does not advance). */
    void note(EntityType type, String why) {
        notes.put(type, why);
        failed(type, why);
    }

    /** The type was read whole: its note is over. */
    void clearNote(EntityType type) {
        notes.remove(type);
    }

    void problem(String text) {
        problem = text;
    }

    /** Wazzup failing now: since when, how often in a row, and whether it refused the key; or null. */
    Outage outage() {
        return failures == 0 ? null : outage;
    }

    void succeeded(EntityType type) {
        failures = 0;
        outage = null;
        lastSuccess.put(type, clock.instant());
        lastError.remove(type);
        lastErrorAt.remove(type);
    }

    void failed(EntityType type, String why) {
        lastError.put(type, why);
        lastErrorAt.put(type, clock.instant());
    }

    /**
     * Wazzup could not take requests: everyone waits, longer after each failure in a row (a refused key
     * the longest). Answers why, in words.
     */
    String unavailable(EntityType type, WazzupException e, long now) {
        failures++;
        Duration pause = e instanceof UnauthorizedException || e instanceof ForbiddenException ? maxPause : pause(failures);
        pausedUntil = now + pause.toMillis();
        String why = e instanceof UnauthorizedException ? "Wazzup refused the API key (401): check the key"
                : e instanceof ForbiddenException ? "Wazzup does not allow this key to sync (403): a sidecar key?"
                : "Wazzup is unavailable: " + e.getMessage();
        failed(type, why);
        problem(why + "; retrying in " + pause.toSeconds() + " s");
        Outage before = outage;
        outage = new Outage(before == null ? clock.instant() : before.since(), failures,
                e instanceof UnauthorizedException || e instanceof ForbiddenException, why);
        return why;
    }

    /** The pause after {@code failuresInARow} failures. */
    Duration pause(int failuresInARow) {
        long ms = FIRST_PAUSE.toMillis() << Math.min(Math.max(failuresInARow, 1) - 1, 20);
        return Duration.ofMillis(Math.min(ms, maxPause.toMillis()));
    }

    /** The states of these types from the store's counts (and the changes not stored yet). */
    Map<EntityType, EntityStatus> entities(List<EntityType> types, Map<EntityType, Long> pending,
            Map<EntityType, Long> dead, Map<EntityType, Long> synced, Map<EntityType, Long> unstored) {
        Map<EntityType, EntityStatus> out = new LinkedHashMap<>();
        for (EntityType t : types) {
            out.put(t, new EntityStatus(t, pending.getOrDefault(t, 0L) + unstored.getOrDefault(t, 0L),
                    dead.getOrDefault(t, 0L), synced.getOrDefault(t, 0L), lastSuccess.get(t), lastError.get(t),
                    lastErrorAt.get(t)));
        }
        return out;
    }
}
