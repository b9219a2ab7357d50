package dev.crmbridge.wazzup.api.message;

/**
 * A channel of the Wazzup account (a WhatsApp number, a Telegram bot …) as Wazzup last said
 * ({@code GET /v3/channels}, then {@code channelsUpdates} webhooks).
 *
 * @param id Wazzup's {@code channelId}
 * @param transport {@code whatsapp}, {@code wapi} (WhatsApp Business), {@code telegram}, {@code tgapi} … as Wazzup sent it
 * @param plainId the number, username or id in the messenger
 * @param name the channel's name, when Wazzup gives one
 * @param state {@code active}, {@code qr}, {@code notEnoughMoney} … as Wazzup sent it
 * @param problem what keeps it from sending, in words for an administrator, or null when it can send
 * @since 1.0
 */
public record Channel(String id, String transport, String plainId, String name, String state, String problem) {

    /** Only an active channel can send. */
    public boolean active() {
        return "active".equalsIgnoreCase(state);
    }
}
