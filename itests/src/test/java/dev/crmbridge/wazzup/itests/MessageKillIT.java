package dev.crmbridge.wazzup.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.crmbridge.wazzup.emulator.Account;
import dev.crmbridge.wazzup.emulator.EmulatorOptions;
import dev.crmbridge.wazzup.emulator.Fault;
import dev.crmbridge.wazzup.emulator.WazzupEmulator;
import dev.crmbridge.wazzup.emulator.model.Chat;
import dev.crmbridge.wazzup.emulator.model.ChatMessage;
import dev.crmbridge.wazzup.emulator.model.JournalEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.Test;

/**
 * Messages survive a killed JVM, and none goes twice: the framework runs in a child process with the connector
 * and a host that queues messages through {@code Messages}; the child gets SIGKILL while sending, and starts
 * again on the same storage.
 */
public class MessageKillIT {

    private WazzupEmulator wazzup;
    private Process child;

    @After
    public void tearDown() {
        if (child != null) {
            child.destroyForcibly();
        }
        if (wazzup != null) {
            wazzup.close();
        }
    }

    @Test
    public void killedWhileSending500EachIsSentExactlyOnceAfterTheRestart() throws Exception {
        wazzup = WazzupEmulator.builder().options(new EmulatorOptions().journalCapacity(10_000)).start();
        Account account = wazzup.createAccount("kill-messages");
        account.statusProgression(false);
        // slow Wazzup down so that the kill lands in the middle of the 500 sends
        wazzup.faults().next("POST /v3/message", 500, Fault.delay(Duration.ofMillis(40)));
        Path work = Files.createTempDirectory(Path.of("target"), "kill-messages-");
        List<String> bundles = bundles(work);

        child = ChildFrameworks.start(work.resolve("felix-cache"), properties(account, 500, 50, ""), bundles,
                work.resolve("child-1.log"));
        Path log1 = work.resolve("child-1.log");
        await("all queued and some sent", Duration.ofSeconds(90), () -> alive()
                && Files.readString(log1).contains("CHILD QUEUED 500") && accepted().size() >= 100);
        child.destroyForcibly().waitFor();
        int beforeKill = accepted().size();
        System.out.printf("MessageKillIT: killed with %d of 500 messages accepted%n", beforeKill);
        assertTrue("killed in the middle: " + beforeKill, beforeKill < 500);

        wazzup.faults().clear();
        child = ChildFrameworks.start(work.resolve("felix-cache"), properties(account, 0, 50, ""), bundles,
                work.resolve("child-2.log"));
        await("all 500 accepted", Duration.ofSeconds(120), () -> alive() && accepted().size() >= 500);
        Map<String, Integer> inChats = new HashMap<>();
        for (Chat chat : account.chats()) {
            for (ChatMessage m : chat.messages()) {
                if (m.viaApi()) {
                    inChats.merge(m.crmMessageId(), 1, Integer::sum);
                }
            }
        }
        assertEquals("every message in its chat", 500, inChats.size());
        assertTrue("none twice: " + inChats, inChats.values().stream().allMatch(n -> n == 1));
        assertEquals("each accepted once", 500, accepted().size());
        long posts = wazzup.journal().entries("POST /v3/message").size();
        System.out.printf("MessageKillIT: %d posts in all for 500 messages (the one in flight at the kill repeated, %d refused"
                + " as a duplicate)%n", posts, wazzup.journal().entries("POST /v3/message").stream()
                        .filter(e -> e.status() == 400).count());
    }

    @Test
    public void aSendWhoseAnswerWasLostEndsUnknownAfterARestartPastTheRepeatWindow() throws Exception {
        wazzup = WazzupEmulator.builder().start();
        Account account = wazzup.createAccount("kill-unknown");
        account.statusProgression(false);
        wazzup.faults().next("POST /v3/message", Fault.loseAnswer());
        Path work = Files.createTempDirectory(Path.of("target"), "kill-unknown-");
        List<String> bundles = bundles(work);

        child = ChildFrameworks.start(work.resolve("felix-cache"), properties(account, 1, 3, "kill-0"), bundles,
                work.resolve("child-1.log"));
        await("the attempt whose answer is lost", Duration.ofSeconds(60), () -> alive() && posts("kill-0") == 1);
        child.destroyForcibly().waitFor();
        long killedAt = System.nanoTime();
        assertEquals("Wazzup took it (the answer was lost)", 1, sent("kill-0"));

        // the restart comes later than the repeat window (3 s here, 50 s by default, Wazzup's guard 60 s)
        await("the repeat window over", Duration.ofSeconds(10),
                () -> System.nanoTime() - killedAt >= Duration.ofSeconds(4).toNanos());
        child = ChildFrameworks.start(work.resolve("felix-cache"), properties(account, 0, 3, "kill-0"), bundles,
                work.resolve("child-2.log"));
        Path log2 = work.resolve("child-2.log");
        await("UNKNOWN", Duration.ofSeconds(60), () -> alive() && Files.readString(log2).contains("CHILD STATE kill-0 UNKNOWN"));
        assertEquals("not sent again", 1, posts("kill-0"));
        assertEquals("the customer has it once", 1, sent("kill-0"));
    }

    private List<JournalEntry> accepted() {
        return wazzup.journal().entries("POST /v3/message").stream().filter(e -> e.status() == 201).toList();
    }

    private long posts(String id) {
        return wazzup.journal().entries("POST /v3/message").stream().filter(e -> id.equals(e.crmMessageId())).count();
    }

    private long sent(String id) {
        return wazzup.accounts().stream().flatMap(a -> a.chats().stream()).flatMap(c -> c.messages().stream())
                .filter(m -> id.equals(m.crmMessageId())).count();
    }

    private static List<String> bundles(Path work) throws Exception {
        List<String> bundles = new ArrayList<>(ChildFrameworks.bundles(ChildFrameworks.concat(ChildFrameworks.CORE,
                ChildFrameworks.EVENT_ADMIN)));
        bundles.addAll(ChildFrameworks.ours());
        bundles.add(ChildFrameworks.hostBundle(work.resolve("messagehost.jar"), "dev.crmbridge.wazzup.itests.messagehost",
                MessageChildActivator.class, "dev.crmbridge.wazzup.api,dev.crmbridge.wazzup.api.message,"
                        + "org.osgi.framework,org.osgi.service.cm,org.osgi.util.tracker", ChildConfig.class));
        return bundles;
    }

    private boolean alive() {
        if (!child.isAlive()) {
            throw new AssertionError("the child framework exited with " + child.exitValue() + ": see target/kill-*/child-*.log");
        }
        return true;
    }

    private Map<String, String> properties(Account account, int messages, int repeatWindow, String watch) {
        return Map.of("wazzup.child.messages", Integer.toString(messages), "wazzup.child.apiKey", account.apiKey(),
                "wazzup.child.emulator", wazzup.baseUrl().toString(), "wazzup.child.repeatWindow",
                Integer.toString(repeatWindow), "wazzup.child.watch", watch);
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(String what, Duration timeout, Condition condition) {
        WazzupTestSupport.await(what, timeout, condition::holds);
    }
}
