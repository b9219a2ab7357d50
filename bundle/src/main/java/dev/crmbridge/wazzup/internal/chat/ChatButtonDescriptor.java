package dev.crmbridge.wazzup.internal.chat;

import dev.crmbridge.wazzup.internal.web.Html;
import dev.crmbridge.wazzup.api.chat.ChatButton;
import java.util.Hashtable;

/** One slot's chat button: a {@code <wazzup-chat-button>} element of the connector's web component. */
final class ChatButtonDescriptor implements ChatButton {

    private final String slot;
    private final String label;
    private final String chatPath;
    private final String template;

    ChatButtonDescriptor(String slot, String chatPath, int pollSeconds) {
        this(slot, chatPath, pollSeconds, false);
    }

    /** @param stream whether the global button's counter may come live from {@code /stream} */
    ChatButtonDescriptor(String slot, String chatPath, int pollSeconds, boolean stream) {
        this.slot = slot;
        this.chatPath = chatPath;
        String scope;
        switch (slot) {
            case SLOT_GLOBAL_TOOLBAR -> {
                scope = "global";
                label = "Chats";
            }
            case SLOT_CONTACT_CARD -> {
                scope = "contact";
                label = "Chat";
            }
            case SLOT_DEAL_CARD -> {
                scope = "deal";
                label = "Chat";
            }
            default -> throw new IllegalArgumentException("unknown slot " + slot);
        }
        StringBuilder t = new StringBuilder("<wazzup-chat-button scope=\"").append(scope).append('"');
        if (!scope.equals("global")) {
            t.append(" entity-id=\"").append(ID_PLACEHOLDER).append('"');
        } else {
            t.append(" poll=\"").append(pollSeconds).append("\" stream=\"").append(stream ? "on" : "off").append('"');
        }
        t.append(" endpoint=\"").append(Html.escape(chatPath)).append("\" label=\"").append(label)
                .append("\"></wazzup-chat-button>");
        this.template = t.toString();
    }

    @Override
    public String slot() {
        return slot;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public String iconUrl() {
        return chatPath + "/static/chat.svg";
    }

    @Override
    public String scriptUrl() {
        return chatPath + "/static/wazzup-chat.js";
    }

    @Override
    public String markup(String entityId) {
        if (slot.equals(SLOT_GLOBAL_TOOLBAR)) {
            return template;
        }
        if (entityId == null || entityId.isBlank()) {
            throw new IllegalArgumentException("a card button needs the entity id");
        }
        return template.replace(ID_PLACEHOLDER, Html.escape(entityId));
    }

    /** The service properties a UI whiteboard reads. */
    Hashtable<String, Object> properties() {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(SLOT, slot);
        p.put(LABEL, label);
        p.put(ICON, iconUrl());
        p.put(SCRIPT, scriptUrl());
        p.put(MARKUP, template);
        return p;
    }

}
