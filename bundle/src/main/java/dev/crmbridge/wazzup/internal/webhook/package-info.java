/** Wazzup → CRM: the webhook servlet, its durable inbox, creation requests, the subscription. */
package dev.crmbridge.wazzup.internal.webhook;
