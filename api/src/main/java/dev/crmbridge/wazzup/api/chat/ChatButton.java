package dev.crmbridge.wazzup.api.chat;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A UI extension point: a chat button the connector offers for one slot of the host's pages. The
 * connector registers one service per slot while it is configured, so that a host with a whiteboard
 * of UI contributions shows the buttons without code: include {@link #scriptUrl()} once per page (a
 * plain JavaScript module, no build step) and place {@link #markup(String)} in the slot.
 *
 * <p>The same facts are service properties ({@link #SLOT}, {@link #LABEL}, {@link #ICON},
 * {@link #SCRIPT}, {@link #MARKUP}), so a whiteboard can read them without importing this package;
 * {@link #MARKUP} then holds the template with {@value #ID_PLACEHOLDER} for the card's entity id,
 * which the whiteboard must HTML-escape.
 *
 * <pre>{@code
 * @Reference(target = "(" + ChatButton.SLOT + "=" + ChatButton.SLOT_CONTACT_CARD + ")")
 * ChatButton chat;
 * ...
 * page.head("<script type=\"module\" src=\"" + chat.scriptUrl() + "\"></script>");
 * page.toolbar(chat.markup(contact.getId()));
 * }</pre>
 *
 * @since 1.0
 */
@ProviderType
public interface ChatButton {

    /** Service property: the slot, one of the {@code SLOT_*} values. */
    String SLOT = "dev.crmbridge.wazzup.ui.slot";
    /** Service property: the button's label. */
    String LABEL = "dev.crmbridge.wazzup.ui.label";
    /** Service property: the icon's URL. */
    String ICON = "dev.crmbridge.wazzup.ui.icon";
    /** Service property: the script's URL. */
    String SCRIPT = "dev.crmbridge.wazzup.ui.script";
    /** Service property: the markup template. */
    String MARKUP = "dev.crmbridge.wazzup.ui.markup";
    /** Where the entity id goes in the {@link #MARKUP} template: {@value}. */
    String ID_PLACEHOLDER = "{id}";

    /** The toolbar or header every page shows: the "Chats" button with the unanswered counter. */
    String SLOT_GLOBAL_TOOLBAR = "global-toolbar";
    /** A contact's card: the "Chat" button with that contact's chats. */
    String SLOT_CONTACT_CARD = "contact-card";
    /** A deal's card: the "Chat" button with the chats of the deal's contacts. */
    String SLOT_DEAL_CARD = "deal-card";

    /**
     * The slot this button is for.
     *
     * @return one of the {@code SLOT_*} values
     */
    String slot();

    /**
     * The button's label, e.g. "Chats".
     *
     * @return the label
     */
    String label();

    /**
     * The icon (SVG), served by the connector.
     *
     * @return a path on the host's HTTP service, e.g. {@code /wazzup/chat/static/chat.svg}
     */
    String iconUrl();

    /**
     * The script to include once per page that shows a button.
     *
     * @return a path on the host's HTTP service, e.g. {@code /wazzup/chat/static/wazzup-chat.js}
     */
    String scriptUrl();

    /**
     * The HTML to place in the slot.
     *
     * @param entityId the contact's or deal's CRM id for a card slot; ignored (may be null) for the
     *     global toolbar
     * @return the markup, with the id escaped
     * @throws IllegalArgumentException if a card slot gets no id
     */
    String markup(String entityId);
}
