package dev.crmbridge.wazzup.internal.util;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One daemon thread that runs a pass again and again until stopped, and survives anything a pass
 * throws: an {@link Error} as much as an exception (a {@code NoClassDefFoundError} after a host bundle
 * was refreshed, a broken driver). A failure is logged with its stack trace the first time its kind
 * is seen and briefly after that, the thread pauses (doubling from {@code firstPause} up to
 * {@code maxPause}) and runs the pass again; {@link #problem()} says so until a pass succeeds.
 *
 * <p>A pass sleeps with {@link #await(long)}, which {@link #wake()} and {@link #stop()} end early; a pass
 * that reaches its sleep counts as one that got through. The
 * thread is never interrupted: an interrupt in the middle of a database write makes the embedded
 * database close its file.
 */
public final class Worker {

    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

    /** One pass of the loop. */
    public interface Pass {
        void run() throws Exception;
    }

    private final String name;
    private final Pass pass;
    private final Duration firstPause;
    private final Duration maxPause;
    private final Object signal = new Object();
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private boolean woken;
    private volatile boolean running;
    private volatile Thread thread;
    private volatile String failure;
    private volatile long pauseMillis;
    private int failuresInARow;
    /** Whether the thread sleeps after a failure (not in a pass). */
    private volatile boolean backoff;

    public Worker(String name, Pass pass, Duration firstPause, Duration maxPause) {
        this.name = name;
        this.pass = pass;
        this.firstPause = firstPause;
        this.maxPause = maxPause;
    }

    public Worker(String name, Pass pass) {
        this(name, pass, Duration.ofSeconds(1), Duration.ofSeconds(60));
    }

    public synchronized void start() {
        if (thread != null) {
            return;
        }
        running = true;
        Thread t = new Thread(this::loop, name);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    private void loop() {
        while (running) {
            try {
                pass.run();
                recovered();
            } catch (Throwable t) {
                if (!running) {
                    break; // stopping: whatever failed is done again after the next start
                }
                failed(t);
            }
        }
    }

    /** A pass got through (it returned, or went to sleep after its work): the failure is over. */
    private void recovered() {
        if (failure != null) {
            failure = null;
            LOG.info("Wazzup connector: {} works again", name);
        }
        failuresInARow = 0;
    }

    private void failed(Throwable t) {
        failuresInARow++;
        long pause = Math.min(maxPause.toMillis(), firstPause.toMillis() << Math.min(failuresInARow - 1, 20));
        pauseMillis = pause;
        failure = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        try {
            if (reported.add(t.getClass().getName())) {
                LOG.error("Wazzup connector: {} failed, running it again in {} ms", name, pause, t);
            } else {
                LOG.warn("Wazzup connector: {} failed again ({}), running it again in {} ms", name, failure, pause);
            }
        } catch (Throwable logging) {
            // a broken logger must not end the thread either
        }
        backoff = true;
        try {
            await(pause);
        } finally {
            backoff = false;
        }
    }

    /** Sleeps up to {@code millis} (at most a minute at a time), until {@link #wake()} or {@link #stop()}. */
    public void await(long millis) {
        if (!backoff && Thread.currentThread() == thread) {
            recovered(); // the pass sleeps: what it did before went through
        }
        long deadline = System.nanoTime() + Math.max(0, millis) * 1_000_000;
        synchronized (signal) {
            try {
                // a pause after a failure is not cut short by a wake (only by stop); the wake is kept for after
                while (running && (backoff || !woken)) {
                    long left = (deadline - System.nanoTime()) / 1_000_000;
                    if (left <= 0) {
                        break;
                    }
                    signal.wait(Math.min(left, 60_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // nobody interrupts this thread; keep the flag for who did
            } finally {
                if (!backoff) {
                    woken = false;
                }
            }
        }
    }

    /** Ends the current {@link #await}, or the next one at once. */
    public void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    /** Asks the loop to end after its pass; {@link #join} waits for it. */
    public void stop() {
        running = false;
        wake();
    }

    /** Waits for the thread to end; answers whether it did within {@code timeout}. */
    public boolean join(Duration timeout) {
        Thread t = thread;
        if (t == null) {
            return true;
        }
        try {
            t.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !t.isAlive();
    }

    /** Whether the loop was started, not stopped, and its thread is alive. */
    public boolean alive() {
        Thread t = thread;
        return running && t != null && t.isAlive();
    }

    /** Whether {@link #stop()} was not called (the pass checks it between steps). */
    public boolean running() {
        return running;
    }

    /** Whether the calling thread is this worker's. */
    public boolean isCurrent() {
        return Thread.currentThread() == thread;
    }

    /** The last failure in words while the loop recovers from it, or null. */
    public String problem() {
        String f = failure;
        if (f != null) {
            return name + " failed (" + f + "); running it again in " + Math.max(1, pauseMillis / 1000) + " s";
        }
        Thread t = thread;
        if (running && t != null && !t.isAlive()) {
            return name + " is not running";
        }
        return null;
    }

    public String name() {
        return name;
    }
}
