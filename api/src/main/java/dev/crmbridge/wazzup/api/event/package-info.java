/**
 * The event protocol between the host CRM and the connector (OSGi EventAdmin): topics and property
 * keys, as constants.
 */
@Export
@Version("1.2.0")
package dev.crmbridge.wazzup.api.event;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
