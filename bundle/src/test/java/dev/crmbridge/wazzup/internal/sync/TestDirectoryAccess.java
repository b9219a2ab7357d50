package dev.crmbridge.wazzup.internal.sync;

import dev.crmbridge.wazzup.api.spi.CrmDirectory;

/** Lets the benchmarks (another package) build a {@link TestDirectory}. */
public final class TestDirectoryAccess {

    private TestDirectoryAccess() {
    }

    public static CrmDirectory generated(int users, int pipes, int contacts, int deals) {
        return TestDirectory.generated(users, pipes, contacts, deals);
    }
}
