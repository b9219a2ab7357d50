package dev.crmbridge.wazzup.internal.client;

/**
 * Wazzup accepted a message (delivery comes later as {@code statuses}). When a retry met the
 * duplicate guard ({@code REPEATED_CRM_MESSAGE_ID}), an earlier attempt was accepted and Wazzup did
 * not say its ids: {@code messageId} and {@code chatId} are then null and {@code viaDuplicateGuard}
 * is true.
 */
public record SentMessage(String messageId, String chatId, String crmMessageId, boolean viaDuplicateGuard) {
}
