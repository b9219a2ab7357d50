/**
 * Connecting by button from the Wazzup marketplace (WAuth): the confirmation page at the integration's
 * redirect address, {@code POST /v3/connect/}, and the key and crmKey stored in the configuration.
 */
package dev.crmbridge.wazzup.internal.wauth;
