package dev.crmbridge.wazzup.internal.client;

import dev.crmbridge.wazzup.emulator.Account;
import dev.crmbridge.wazzup.emulator.EmulatorOptions;
import dev.crmbridge.wazzup.emulator.WazzupEmulator;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A client against a fresh embedded emulator (real HTTP on loopback) and a logger that captures. */
abstract class EmulatorClientSupport {

    protected WazzupEmulator wazzup;
    protected Account account;
    protected WazzupClient client;
    protected CapturingLogger log = new CapturingLogger();

    @BeforeEach
    void start() {
        wazzup = WazzupEmulator.builder().options(emulatorOptions()).start();
        account = wazzup.createAccount("acc");
        client = builder().build();
    }

    /** The emulator's options; default: Wazzup's documented rate limit on. */
    protected EmulatorOptions emulatorOptions() {
        return new EmulatorOptions();
    }

    /** A client builder for the account: own limiter registry, quick retries, capturing logger. */
    protected WazzupClient.Builder builder() {
        return WazzupClient.builder().baseUrl(wazzup.baseUrl()).apiKey(account.apiKey())
                .rateLimiters(new RateLimiters(TimeSource.SYSTEM))
                .retryPolicy(new RetryPolicy(8, Duration.ofMillis(5), Duration.ofMillis(50)))
                .logger(log.logger());
    }

    @AfterEach
    void stop() {
        client.close();
        wazzup.close();
    }
}
