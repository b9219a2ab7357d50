package dev.crmbridge.wazzup.internal.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A worker's loop survives anything its pass throws, says so while it recovers, and stops when asked. */
class WorkerTest {

    private Worker worker;

    @AfterEach
    void stop() {
        if (worker != null) {
            worker.stop();
            worker.join(Duration.ofSeconds(5));
        }
    }

    @Test
    void anErrorInAPassIsReportedAndTheLoopRunsAgain() {
        AtomicInteger passes = new AtomicInteger();
        worker = new Worker("the test loop", () -> {
            int n = passes.incrementAndGet();
            if (n == 1) {
                throw new NoClassDefFoundError("com/example/Gone");
            }
            if (n == 2) {
                throw new OutOfMemoryError("pretend");
            }
            worker.await(60_000);
        }, Duration.ofMillis(300), Duration.ofSeconds(1));
        worker.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> worker.problem() != null);
        assertThat(worker.problem()).contains("the test loop failed").contains("Error");
        assertThat(worker.alive()).as("the thread lives on").isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> passes.get() >= 3);
        await().atMost(Duration.ofSeconds(5)).until(() -> worker.problem() == null);
    }

    @Test
    void aPauseAfterAFailureIsNotCutShortByAWake() {
        AtomicInteger passes = new AtomicInteger();
        worker = new Worker("the test loop", () -> {
            passes.incrementAndGet();
            throw new IllegalStateException("always");
        }, Duration.ofSeconds(30), Duration.ofSeconds(30));
        worker.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> passes.get() == 1 && worker.problem() != null);
        for (int i = 0; i < 100; i++) {
            worker.wake();
        }
        assertThat(worker.join(Duration.ofMillis(300))).as("still pausing").isFalse();
        assertThat(passes.get()).as("no pass ran during the pause").isEqualTo(1);
        worker.stop();
        assertThat(worker.join(Duration.ofSeconds(5))).as("stop ends the pause").isTrue();
        assertThat(worker.alive()).isFalse();
    }

    @Test
    void aWakeEndsTheSleepOfAPass() {
        AtomicInteger passes = new AtomicInteger();
        worker = new Worker("the test loop", () -> {
            passes.incrementAndGet();
            worker.await(60_000);
        });
        worker.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> passes.get() == 1);
        worker.wake();
        await().atMost(Duration.ofSeconds(5)).until(() -> passes.get() == 2);
    }
}
