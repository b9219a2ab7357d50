/**
 * What the connector tells about its synchronisation with Wazzup, and the administrator's levers:
 * {@link dev.crmbridge.wazzup.api.sync.SyncStatus}.
 */
@Export
@Version("1.2.0")
package dev.crmbridge.wazzup.api.sync;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
