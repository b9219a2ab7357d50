package dev.crmbridge.wazzup.api.model;

import java.util.Objects;

/**
 * One messenger account of a contact: the chat the customer writes from. Phone-based handles
 * (WhatsApp, Viber) may be given in any format; the connector normalises them to digits with the
 * country code.
 *
 * @param chatType the messenger, one of the {@code TYPE_*} constants or another value Wazzup knows
 *     (the set is open); not blank
 * @param chatId the chat's id in Wazzup's terms: the phone for {@link #TYPE_WHATSAPP} and
 *     {@link #TYPE_VIBER}, the account name without {@code @} for {@link #TYPE_INSTAGRAM}, Wazzup's id
 *     for the others; may be {@code null} for Telegram when {@code username} or {@code phone} is set
 * @param username Telegram only: the user name without {@code @}, or {@code null}
 * @param phone Telegram and MAX only: the phone number, or {@code null}
 * @since 1.0
 */
public record ChatHandle(String chatType, String chatId, String username, String phone) {

    /** WhatsApp, one-to-one; {@code chatId} is the phone number. */
    public static final String TYPE_WHATSAPP = "whatsapp";
    /** A WhatsApp group; {@code chatId} as Wazzup delivered it in a webhook. */
    public static final String TYPE_WHATSAPP_GROUP = "whatsgroup";
    /** Telegram, one-to-one. */
    public static final String TYPE_TELEGRAM = "telegram";
    /** A Telegram group. */
    public static final String TYPE_TELEGRAM_GROUP = "telegroup";
    /** Instagram; {@code chatId} is the account name without {@code @}. */
    public static final String TYPE_INSTAGRAM = "instagram";
    /** Viber; {@code chatId} is the phone number. */
    public static final String TYPE_VIBER = "viber";
    /** VK. */
    public static final String TYPE_VK = "vk";
    /** Avito. */
    public static final String TYPE_AVITO = "avito";
    /** MAX, one-to-one. */
    public static final String TYPE_MAX = "max";
    /** A MAX group. */
    public static final String TYPE_MAX_GROUP = "maxgroup";

    /**
     * Checks the chat type.
     *
     * @throws NullPointerException if {@code chatType} is null
     */
    public ChatHandle {
        Objects.requireNonNull(chatType, "chatType");
    }

    /**
     * A WhatsApp handle.
     *
     * @param phone the phone number in any format, e.g. {@code +7 (901) 111-22-33}
     * @return the handle
     */
    public static ChatHandle whatsapp(String phone) {
        return new ChatHandle(TYPE_WHATSAPP, phone, null, null);
    }

    /**
     * A Telegram handle by user name.
     *
     * @param username the user name, with or without {@code @}
     * @return the handle
     */
    public static ChatHandle telegramUsername(String username) {
        String u = username.startsWith("@") ? username.substring(1) : username;
        return new ChatHandle(TYPE_TELEGRAM, null, u, null);
    }

    /**
     * A handle of any type by chat id.
     *
     * @param chatType the messenger
     * @param chatId the chat id
     * @return the handle
     */
    public static ChatHandle of(String chatType, String chatId) {
        return new ChatHandle(chatType, chatId, null, null);
    }
}
