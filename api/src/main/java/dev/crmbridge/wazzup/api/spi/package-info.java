/**
 * What the host CRM implements for the connector: read access to its entities
 * ({@link dev.crmbridge.wazzup.api.spi.CrmDirectory}). Register the implementation as an OSGi service.
 */
@Export
@Version("1.0.0")
package dev.crmbridge.wazzup.api.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
