/**
 * A local, stateful emulator of the Wazzup public API v3 ({@code ../shared/wazzup-api-v3.md}): the
 * REST routes with their validation, limits and error bodies, webhooks to the CRM, a chat window page,
 * the WAuth marketplace, and test hooks (simulation, fault injection, request journal). Start it with
 * {@link dev.crmbridge.wazzup.emulator.WazzupEmulator#builder()} or from the command line ({@code Main}).
 */
package dev.crmbridge.wazzup.emulator;
