/**
 * Several Wazzup accounts in one host: how the connector names an account in its services, its events and
 * its configurations ({@link dev.crmbridge.wazzup.api.account.Accounts}).
 */
@Export
@Version("1.0.0")
package dev.crmbridge.wazzup.api.account;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
