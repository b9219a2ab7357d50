/** Durable state over JDBC: the outbox of CRM changes, what Wazzup last accepted, dead letters. */
package dev.crmbridge.wazzup.internal.store;
