package dev.crmbridge.wazzup.api.message;

import java.util.List;

/**
 * A WhatsApp Business template of the account ({@code GET /v3/templates/whatsapp}), for a CRM's automation
 * editor: send it with {@link OutgoingMessage.Builder#template} and {@link #variables()} values.
 *
 * @param id Wazzup's {@code templateGuid}
 * @param name the template's name at Meta
 * @param title its title in Wazzup, or null
 * @param language e.g. {@code en}, {@code ru}
 * @param category e.g. {@code MARKETING}, {@code UTILITY}
 * @param status {@code approved}, {@code pending}, {@code rejected} … in lower case; only approved ones send
 * @param text the body's text with its placeholders ({@code {{1}}}, {@code {{2}}} …)
 * @param variables how many values a send needs (the placeholders of every component)
 * @param channelIds the channels it may be sent through
 * @since 1.0
 */
public record Template(String id, String name, String title, String language, String category, String status,
        String text, int variables, List<String> channelIds) {

    public boolean approved() {
        return "approved".equalsIgnoreCase(status);
    }
}
