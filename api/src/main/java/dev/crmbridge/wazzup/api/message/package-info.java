/**
 * Messages the CRM sends itself (automations, templates, a manager's quick reply), and what a send
 * needs to know of the account: its channels ({@link dev.crmbridge.wazzup.api.message.Channels}) and its
 * WhatsApp Business templates ({@link dev.crmbridge.wazzup.api.message.Templates}).
 *
 * <p>{@link dev.crmbridge.wazzup.api.message.Messages#send} records a message durably and answers at once;
 * the connector sends it later under the key's rate budget, which it shares with the sync. Each change of
 * a message's {@link dev.crmbridge.wazzup.api.message.MessageStatus} is posted as a
 * {@link dev.crmbridge.wazzup.api.event.WazzupEvents#TOPIC_MESSAGE_STATUS_CHANGED} event carrying the
 * CRM's id. A message is never sent twice: a send whose answer was lost is tried again only while
 * Wazzup's 60-second duplicate guard still protects it, and otherwise ends
 * {@link dev.crmbridge.wazzup.api.message.MessageStatus#UNKNOWN} for the host to decide.
 */
@Export
@Version("1.0.0")
package dev.crmbridge.wazzup.api.message;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
