/** The Wazzup REST client: transport, JSON mapping, rate limiting, retries and typed errors. */
package dev.crmbridge.wazzup.internal.client;
