/**
 * The CRM's entities as the connector reads them from the host: users, contacts with their chat
 * handles, deals, pipelines and stages. Immutable records; the host creates them in its
 * {@link dev.crmbridge.wazzup.api.spi.CrmDirectory}.
 */
@Export
@Version("1.0.0")
package dev.crmbridge.wazzup.api.model;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
