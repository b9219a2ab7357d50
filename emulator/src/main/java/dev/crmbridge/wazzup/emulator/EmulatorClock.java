package dev.crmbridge.wazzup.emulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The emulator's time: a base clock plus an offset that tests move forward (to pass a rate-limit
 * window, the 60-second {@code crmMessageId} guard or the 7-day counter window without waiting).
 */
public final class EmulatorClock extends Clock {

    private final Clock base;
    private final AtomicLong offsetMillis = new AtomicLong();
    /** Told after every advance: work planned on this clock (statuses) may have come due. */
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    public EmulatorClock(Clock base) {
        this.base = base;
    }

    /** A clock fixed at {@code start} that moves only when advanced: for deterministic tests. */
    public static EmulatorClock fixed(Instant start) {
        return new EmulatorClock(Clock.fixed(start, ZoneOffset.UTC));
    }

    public static EmulatorClock system() {
        return new EmulatorClock(Clock.systemUTC());
    }

    /** Moves time forward. */
    public void advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("time only moves forward");
        }
        offsetMillis.addAndGet(by.toMillis());
        listeners.forEach(Runnable::run);
    }

    void onAdvance(Runnable listener) {
        listeners.add(listener);
    }

    void removeListener(Runnable listener) {
        listeners.remove(listener);
    }

    @Override
    public Instant instant() {
        return base.instant().plusMillis(offsetMillis.get());
    }

    @Override
    public long millis() {
        return base.millis() + offsetMillis.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
