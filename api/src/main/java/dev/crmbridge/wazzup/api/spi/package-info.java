/**
 * What the host CRM implements for the connector, each registered as an OSGi service: read access to
 * its entities ({@link dev.crmbridge.wazzup.api.spi.CrmDirectory}), creating contacts and deals when
 * Wazzup asks ({@link dev.crmbridge.wazzup.api.spi.CrmEntityFactory}), and the signed-in user of a
 * request ({@link dev.crmbridge.wazzup.api.spi.CrmSession}).
 */
@Export
@Version("1.1.0")
package dev.crmbridge.wazzup.api.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
