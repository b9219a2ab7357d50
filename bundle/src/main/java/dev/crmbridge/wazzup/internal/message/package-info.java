/**
 * Messages the CRM sends: the durable queue behind {@code Messages} ({@link
 * dev.crmbridge.wazzup.internal.message.MessageService}), the leader's sender that works it off under the
 * key's budget ({@link dev.crmbridge.wazzup.internal.message.MessageSender}), and the account's channels and
 * templates ({@link dev.crmbridge.wazzup.internal.message.ChannelRegistry},
 * {@link dev.crmbridge.wazzup.internal.message.TemplateCatalog}).
 */
package dev.crmbridge.wazzup.internal.message;
