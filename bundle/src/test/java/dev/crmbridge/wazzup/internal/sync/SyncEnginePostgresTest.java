package dev.crmbridge.wazzup.internal.sync;

import dev.crmbridge.wazzup.emulator.EmulatorOptions;
import dev.crmbridge.wazzup.internal.store.Postgres;

/**
 * {@link SyncEngineTest}'s tests on PostgreSQL, as a cluster of one node: the store's statements there
 * (upserts of what Wazzup accepted and of the references in one statement each, the lease checked by
 * every commit of the leader).
 */
class SyncEnginePostgresTest extends SyncEngineTest {

    private static int databases;

    @Override
    SyncHarness newHarness(TestDirectory crm) {
        return new SyncHarness(crm, new EmulatorOptions(), Postgres.database("sync_engine_" + (++databases)));
    }
}
