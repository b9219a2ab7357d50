/**
 * What an emulated Wazzup account holds, as immutable records: the entities the CRM uploads (users,
 * contacts, deals, pipelines), the account's channels, chats and webhook settings, and what the
 * emulator records (webhook deliveries, the request journal).
 */
package dev.crmbridge.wazzup.emulator.model;
