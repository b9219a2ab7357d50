package dev.crmbridge.wazzup.itests;

import dev.crmbridge.wazzup.emulator.WazzupEmulator;
import org.junit.After;

/**
 * What the browser tests share: the emulator in this JVM, the host CRM's framework in a child process and
 * headless Chromium, each closed after the test whatever it came to (the browser first, the emulator last).
 */
abstract class BrowserTestSupport {

    protected WazzupEmulator wazzup;
    protected Process child;
    protected Chromium chromium;

    @After
    public void closeBrowserChildAndEmulator() {
        if (chromium != null) {
            chromium.close();
        }
        if (child != null) {
            child.destroyForcibly();
        }
        if (wazzup != null) {
            wazzup.close();
        }
    }
}
