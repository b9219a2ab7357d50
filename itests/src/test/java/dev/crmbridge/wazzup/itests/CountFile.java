package dev.crmbridge.wazzup.itests;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A count kept in a child framework and written to a file once a second by a daemon thread, for a
 * benchmark in another process to read ({@link #read}); cheaper than a line per event at thousands a
 * second.
 */
final class CountFile {

    private final AtomicLong count = new AtomicLong();

    CountFile(Path file) {
        Thread writer = new Thread(() -> {
            while (true) {
                try {
                    Files.writeString(file, Long.toString(count.get()));
                    Thread.sleep(1_000);
                } catch (Exception e) {
                    return;
                }
            }
        }, "bench-event-count");
        writer.setDaemon(true);
        writer.start();
    }

    void increment() {
        count.incrementAndGet();
    }

    /** The count last written to {@code file}, 0 before the first. */
    static long read(Path file) {
        try {
            return Files.exists(file) ? Long.parseLong(Files.readString(file).trim()) : 0;
        } catch (Exception e) {
            return 0;
        }
    }
}
