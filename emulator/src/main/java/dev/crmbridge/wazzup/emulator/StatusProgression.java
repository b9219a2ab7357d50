package dev.crmbridge.wazzup.emulator;

import dev.crmbridge.wazzup.emulator.model.ChatMessage.MessageError;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The statuses Wazzup reports for an API send as the messenger moves it on (§8.5): each step is due
 * at an instant of the emulator's clock, so a test with a fixed clock gets them by advancing it, and a
 * running emulator in real time. One thread delivers the due steps in order, those of one account
 * together in one {@code statuses} webhook.
 */
final class StatusProgression implements AutoCloseable {

    /** One status a message is to reach at {@code due}. */
    record Step(Account account, String messageId, String status, MessageError error, Instant due, long seq) {
    }

    private final EmulatorClock clock;
    private final PriorityQueue<Step> queue =
            new PriorityQueue<>(Comparator.comparing(Step::due).thenComparingLong(Step::seq));
    private final Thread worker;
    private final Runnable wake = this::wake;
    private long seq;
    private boolean closed;

    StatusProgression(EmulatorClock clock) {
        this.clock = clock;
        this.worker = new Thread(this::run, "wazzup-emulator-statuses");
        worker.setDaemon(true);
        worker.start();
        clock.onAdvance(wake);
    }

    /** Plans a status of a message, {@code after} the given instant. */
    synchronized void schedule(Account account, String messageId, String status, MessageError error, Instant from,
            Duration after) {
        queue.add(new Step(account, messageId, status, error, from.plus(after), ++seq));
        notifyAll();
    }

    /** Forgets the planned steps of an account. */
    synchronized void forget(Account account) {
        queue.removeIf(s -> s.account() == account);
    }

    synchronized void clear() {
        queue.clear();
    }

    /** The steps not yet due, in order. */
    synchronized List<Step> pending() {
        List<Step> out = new ArrayList<>(queue);
        out.sort(queue.comparator());
        return out;
    }

    private synchronized void wake() {
        notifyAll();
    }

    private void run() {
        while (true) {
            List<Step> due = new ArrayList<>();
            synchronized (this) {
                try {
                    while (!closed && (queue.isEmpty() || queue.peek().due().isAfter(clock.instant()))) {
                        // a fixed clock moves only when advanced (which wakes us); a real one by itself
                        wait(queue.isEmpty() ? 0 : Math.max(1, Math.min(1_000,
                                Duration.between(clock.instant(), queue.peek().due()).toMillis())));
                    }
                } catch (InterruptedException e) {
                    return;
                }
                if (closed) {
                    return;
                }
                Instant now = clock.instant();
                while (!queue.isEmpty() && !queue.peek().due().isAfter(now)) {
                    due.add(queue.poll());
                }
            }
            Map<Account, List<Step>> byAccount = new LinkedHashMap<>();
            due.forEach(s -> byAccount.computeIfAbsent(s.account(), a -> new ArrayList<>()).add(s));
            byAccount.forEach((account, steps) -> {
                try {
                    account.messaging().progress(steps);
                } catch (RuntimeException e) {
                    // one account's failure never stops the others' statuses
                    System.err.println("wazzup-emulator: statuses of " + account.id() + " failed: " + e);
                }
            });
        }
    }

    @Override
    public void close() {
        clock.removeListener(wake);
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        worker.interrupt();
    }
}
