package dev.crmbridge.wazzup.itests;

import dev.crmbridge.wazzup.emulator.EmulatorOptions;
import dev.crmbridge.wazzup.emulator.WazzupEmulator;

/**
 * The emulator of the test JVM: started once, outside the OSGi framework (it plays Wazzup, an
 * external system), by the first {@code @Configuration} that asks. Tests inside the framework reach
 * it over HTTP only ({@link EmulatorControl}). Never loaded inside the framework.
 */
final class OuterEmulator {

    private static WazzupEmulator emulator;

    private OuterEmulator() {
    }

    static synchronized String url() {
        if (emulator == null) {
            emulator = WazzupEmulator.builder()
                    .options(new EmulatorOptions().journalCapacity(100_000))
                    .start();
        }
        return emulator.baseUrl().toString();
    }
}
