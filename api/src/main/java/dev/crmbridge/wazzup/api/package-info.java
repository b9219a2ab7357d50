/**
 * The contract of the Wazzup connector: what a host CRM implements, what it may call, and the names
 * (configuration, events, service properties) both sides share.
 */
@Export
@Version("1.0.0")
package dev.crmbridge.wazzup.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
