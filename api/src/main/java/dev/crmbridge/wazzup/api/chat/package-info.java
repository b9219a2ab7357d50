/**
 * What managers see: Wazzup's chat window ({@link dev.crmbridge.wazzup.api.chat.ChatWindows}), the
 * unanswered-messages counter ({@link dev.crmbridge.wazzup.api.chat.UnansweredCounters}) and the chat
 * buttons offered to the host's pages ({@link dev.crmbridge.wazzup.api.chat.ChatButton}). All are
 * services the connector registers while it is configured.
 */
@Export
@Version("1.2.0")
package dev.crmbridge.wazzup.api.chat;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
