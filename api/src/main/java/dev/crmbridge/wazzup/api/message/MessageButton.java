package dev.crmbridge.wazzup.api.message;

import java.util.Objects;

/**
 * A button under a message (§10.2 {@code buttonsObject.buttons[]}): WhatsApp Business takes up to ten of
 * type {@code text} with at most 20 characters; Telegram and MAX bots take more kinds.
 *
 * @param text what the button says
 * @param type Wazzup's button type, e.g. {@code text}, {@code url}, {@code callback}; null for {@code text}
 * @param payload what comes back when the customer presses it, or null
 * @param url the link of a {@code url} button, or null
 * @since 1.0
 */
public record MessageButton(String text, String type, String payload, String url) {

    public MessageButton {
        Objects.requireNonNull(text, "text");
    }

    /** A plain reply button. */
    public static MessageButton text(String text) {
        return new MessageButton(text, "text", null, null);
    }
}
