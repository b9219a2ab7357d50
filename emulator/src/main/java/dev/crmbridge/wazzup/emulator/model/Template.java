package dev.crmbridge.wazzup.emulator.model;

import java.util.List;

/**
 * A WABA template as {@code GET /v3/templates/whatsapp} lists it (§10.5). {@code status} is kept as
 * given (Wazzup's live values are lower case, §8.8) and compared case-insensitively.
 */
public record Template(String templateGuid, String accountId, String title, String name, Waba waba,
        List<String> channels, String category, String language, String status, String rejectedReason,
        String namespace, List<Component> components) {

    public Template {
        channels = channels == null ? List.of() : List.copyOf(channels);
        components = components == null ? List.of() : List.copyOf(components);
    }

    /** The WhatsApp Business account the template belongs to. */
    public record Waba(String wabaId, String wabaName) {
    }

    /** One part: {@code HEADER} (with {@code format}), {@code BODY}, {@code FOOTER} or {@code BUTTONS}. */
    public record Component(String type, String format, String text, List<String> example, List<Button> buttons) {
        public Component {
            example = example == null ? null : List.copyOf(example);
            buttons = buttons == null ? null : List.copyOf(buttons);
        }
    }

    /** A template button ({@code QUICK_REPLY}, {@code URL}, {@code PHONE_NUMBER}, …). */
    public record Button(String type, String text, String url) {
    }

    /** Whether the template may be sent. */
    public boolean approved() {
        return "approved".equalsIgnoreCase(status);
    }

    /** The first component of this type, or null. */
    public Component component(String type) {
        return components.stream().filter(c -> type.equalsIgnoreCase(c.type())).findFirst().orElse(null);
    }

    /** This template with another moderation status. */
    public Template withStatus(String newStatus) {
        return new Template(templateGuid, accountId, title, name, waba, channels, category, language, newStatus,
                rejectedReason, namespace, components);
    }
}
