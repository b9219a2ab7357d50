package dev.crmbridge.wazzup.emulator;

import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A fresh emulator per test on a free loopback port, with a clock that moves only when the test
 * advances it, one account and a client holding its key.
 */
abstract class EmulatorTestSupport {

    protected static final Instant START = Instant.parse("2026-11-25T10:00:00Z");

    protected WazzupEmulator wazzup;
    protected EmulatorClock clock;
    protected Account account;
    protected Http api;
    protected Http control;

    @BeforeEach
    void startEmulator() {
        clock = EmulatorClock.fixed(START);
        wazzup = WazzupEmulator.builder().clock(clock).options(options()).start();
        account = wazzup.createAccount("acc-test");
        api = new Http(wazzup.baseUrl(), account.apiKey());
        control = new Http(wazzup.baseUrl(), null);
    }

    /** Options of this test class's emulator. */
    protected EmulatorOptions options() {
        return new EmulatorOptions();
    }

    @AfterEach
    void stopEmulator() {
        wazzup.close();
    }

    /** The JSON text of a sample with {@code from} replaced by {@code to}. */
    protected static String sample(String name, String... replacements) {
        String text = Samples.text(name);
        for (int i = 0; i + 1 < replacements.length; i += 2) {
            text = text.replace(replacements[i], replacements[i + 1]);
        }
        return text;
    }
}
