package dev.crmbridge.wazzup.internal.sync.bench;

import dev.crmbridge.wazzup.api.message.MessageStatus;
import dev.crmbridge.wazzup.api.message.OutgoingMessage;
import dev.crmbridge.wazzup.emulator.Account;
import dev.crmbridge.wazzup.emulator.EmulatorOptions;
import dev.crmbridge.wazzup.emulator.WazzupEmulator;
import dev.crmbridge.wazzup.emulator.model.JournalEntry;
import dev.crmbridge.wazzup.internal.config.TestRuntime;
import dev.crmbridge.wazzup.internal.message.MessageService;
import dev.crmbridge.wazzup.internal.sync.TestDirectoryAccess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Benchmark, not a test: {@code messages} queued at once through the Messages service while the initial sync of
 * {@code contacts} contacts runs, against the emulator with Wazzup's 500 requests / 5 s limit on and the
 * connector's default budget (450 / 5 s). Prints the send rate against the floor the budget sets, how the
 * budget was split between messages and the sync, duplicates and 429s.
 *
 * <p>Run: {@code bin/bench-messages [messages] [contacts]} (defaults 10,000 and 2,000).
 */
public final class MessagesBenchmark {

    private MessagesBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int contacts = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        EmulatorOptions options = new EmulatorOptions().journalCapacity(count + 10_000);
        try (WazzupEmulator wazzup = WazzupEmulator.builder().options(options).start()) {
            Account account = wazzup.createAccount("bench");
            account.statusProgression(false); // the webhooks are not what is measured
            Path dir = Files.createTempDirectory("wazzup-messages-bench");
            try (TestRuntime runtime = TestRuntime.builder().wazzup(wazzup.baseUrl(), account.apiKey())
                    .directory(() -> TestDirectoryAccess.generated(5, 1, contacts, 0)).store(dir.toFile()).start()) {
                MessageService messages = runtime.runtime.messages();
                runtime.runtime.channels().list(); // as on a running system: the channels are known
                long t0 = System.nanoTime();
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    ids.add(messages.send(OutgoingMessage.toChat("whatsapp", "7906" + String.format("%07d", i))
                            .text("Reminder " + i).build()));
                }
                long queued = System.nanoTime() - t0;
                long syncDoneAt = 0;
                while (true) {
                    if (syncDoneAt == 0 && runtime.status.initialSyncComplete()
                            && account.contacts().size() >= contacts) {
                        syncDoneAt = System.nanoTime() - t0;
                    }
                    int sent = messages.table().count("SENT");
                    if (sent + messages.table().count("FAILED") + messages.table().count("UNKNOWN") >= count
                            && syncDoneAt > 0) {
                        break;
                    }
                    Thread.sleep(100);
                }
                double elapsed = (System.nanoTime() - t0) / 1e9;
                List<JournalEntry> posts = wazzup.journal().entries("POST /v3/message");
                long accepted = posts.stream().filter(e -> e.status() == 201).count();
                Set<String> distinct = new HashSet<>();
                posts.stream().filter(e -> e.status() == 201).forEach(e -> distinct.add(e.crmMessageId()));
                long all = wazzup.journal().entries(e -> e.accountId() != null).size();
                long tooMany = wazzup.journal().entries(e -> e.status() == 429).size();
                long sync = all - posts.size();
                int failed = messages.table().count("FAILED") + messages.table().count("UNKNOWN");
                // the floor: every request of the run (messages and sync) at the budget's pace, 450 per 5 s
                double floor = all / 90.0;
                System.out.printf("queued %,d messages in %.1f s (%.0f/s) while the initial sync of %,d contacts ran%n",
                        count, queued / 1e9, count / (queued / 1e9), contacts);
                System.out.printf("initial sync complete after %.1f s: %d requests for users, pipelines and contacts%n",
                        syncDoneAt / 1e9, sync);
                System.out.printf("all %,d sent after %.1f s: %.1f messages/s; floor %.1f s for %d requests at 90/s:"
                        + " ratio to the floor %.3f%n", accepted, elapsed, accepted / elapsed, floor, all, floor / elapsed);
                System.out.printf("duplicates %d (distinct crmMessageIds accepted %,d of %,d accepted), 429s %d,"
                        + " failed or unknown %d%n", accepted - distinct.size(), distinct.size(), accepted, tooMany, failed);
                System.out.printf("budget split: messages %d requests, sync %d requests (%.1f%% / %.1f%%)%n", posts.size(),
                        sync, 100.0 * posts.size() / all, 100.0 * sync / all);
            }
        }
    }
}
