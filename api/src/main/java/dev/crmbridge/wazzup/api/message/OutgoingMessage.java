package dev.crmbridge.wazzup.api.message;

import java.util.List;
import java.util.Objects;

/**
 * A message for {@link Messages#send}: a recipient, one kind of content, and options. Immutable; made with
 * {@link #toContact} or {@link #toChat} and a {@link Builder}.
 *
 * <p><b>Recipient.</b> A CRM contact: the connector picks one of the contact's chat handles and an active
 * channel whose transport fits it, unless {@link Builder#chatType} or {@link Builder#channel} narrow the
 * choice. Or a raw chat: a chat type and id, or for Telegram and MAX a phone or username.
 *
 * <p><b>Content.</b> Exactly one of a text, a file ({@code contentUri}, a public link Wazzup downloads at
 * once) or a WhatsApp Business template ({@code templateId} with its values). Buttons may go with a text.
 *
 * <p><b>Options.</b> {@link Builder#author} shows a CRM user as the sender (a manager writing from the
 * CRM). {@link Builder#clearUnanswered} is false unless set: an automated message leaves the manager's
 * unanswered counter as it was, so the manager still sees the client waiting.
 *
 * @since 1.0
 */
public final class OutgoingMessage {

    private final String id;
    private final String contactId;
    private final String chatType;
    private final String chatId;
    private final String phone;
    private final String username;
    private final String channelId;
    private final String text;
    private final String contentUri;
    private final String templateId;
    private final List<String> templateValues;
    private final List<MessageButton> buttons;
    private final String crmUserId;
    private final boolean clearUnanswered;
    private final String refMessageId;

    private OutgoingMessage(Builder b) {
        this.id = b.id;
        this.contactId = b.contactId;
        this.chatType = b.chatType;
        this.chatId = b.chatId;
        this.phone = b.phone;
        this.username = b.username;
        this.channelId = b.channelId;
        this.text = b.text;
        this.contentUri = b.contentUri;
        this.templateId = b.templateId;
        this.templateValues = b.templateValues == null ? List.of() : List.copyOf(b.templateValues);
        this.buttons = b.buttons == null ? List.of() : List.copyOf(b.buttons);
        this.crmUserId = b.crmUserId;
        this.clearUnanswered = b.clearUnanswered;
        this.refMessageId = b.refMessageId;
    }

    /** A message to a CRM contact, through one of its chat handles. */
    public static Builder toContact(String contactId) {
        Builder b = new Builder();
        b.contactId = Objects.requireNonNull(contactId, "contactId");
        return b;
    }

    /** A message to a raw chat ({@code whatsapp}, {@code 79011112233}); a channel that fits is chosen unless named. */
    public static Builder toChat(String chatType, String chatId) {
        Builder b = new Builder();
        b.chatType = Objects.requireNonNull(chatType, "chatType");
        b.chatId = Objects.requireNonNull(chatId, "chatId");
        return b;
    }

    /** A message to a Telegram or MAX user by phone (digits with the country code), through that chat type. */
    public static Builder toPhone(String chatType, String phone) {
        Builder b = new Builder();
        b.chatType = Objects.requireNonNull(chatType, "chatType");
        b.phone = Objects.requireNonNull(phone, "phone");
        return b;
    }

    /** A message to a Telegram user by username (without {@code @}). */
    public static Builder toTelegramUser(String username) {
        Builder b = new Builder();
        b.chatType = "telegram";
        b.username = Objects.requireNonNull(username, "username");
        return b;
    }

    /** The CRM's id for this message, or null to have {@link Messages#send} make one. */
    public String id() {
        return id;
    }

    public String contactId() {
        return contactId;
    }

    public String chatType() {
        return chatType;
    }

    public String chatId() {
        return chatId;
    }

    public String phone() {
        return phone;
    }

    public String username() {
        return username;
    }

    public String channelId() {
        return channelId;
    }

    public String text() {
        return text;
    }

    public String contentUri() {
        return contentUri;
    }

    public String templateId() {
        return templateId;
    }

    public List<String> templateValues() {
        return templateValues;
    }

    public List<MessageButton> buttons() {
        return buttons;
    }

    public String crmUserId() {
        return crmUserId;
    }

    public boolean clearUnanswered() {
        return clearUnanswered;
    }

    public String refMessageId() {
        return refMessageId;
    }

    @Override
    public String toString() {
        // no text: a message may carry what a log should not
        return "OutgoingMessage[" + (id == null ? "" : "id=" + id + ", ")
                + (contactId != null ? "contact=" + contactId : "chat=" + chatType) + ", "
                + (templateId != null ? "template" : contentUri != null ? "file" : "text") + "]";
    }

    /** Builds an {@link OutgoingMessage}. */
    public static final class Builder {

        private String id;
        private String contactId;
        private String chatType;
        private String chatId;
        private String phone;
        private String username;
        private String channelId;
        private String text;
        private String contentUri;
        private String templateId;
        private List<String> templateValues;
        private List<MessageButton> buttons;
        private String crmUserId;
        private boolean clearUnanswered;
        private String refMessageId;

        private Builder() {
        }

        /** The CRM's own id for the message (at most 100 characters): a send repeated with it records nothing new. */
        public Builder id(String id) {
            this.id = id;
            return this;
        }

        /** For a contact: only handles of this chat type ({@code whatsapp}, {@code telegram} …). */
        public Builder chatType(String chatType) {
            this.chatType = chatType;
            return this;
        }

        /** Through this channel (Wazzup's {@code channelId}) instead of one the connector picks. */
        public Builder channel(String channelId) {
            this.channelId = channelId;
            return this;
        }

        public Builder text(String text) {
            this.text = text;
            return this;
        }

        /** A file: a public link Wazzup downloads at once, without redirects (10 MB at most). */
        public Builder file(String contentUri) {
            this.contentUri = contentUri;
            return this;
        }

        /** A WhatsApp Business template ({@link Template#id()}) with the values of its variables, in order. */
        public Builder template(String templateId, List<String> values) {
            this.templateId = templateId;
            this.templateValues = values;
            return this;
        }

        public Builder buttons(List<MessageButton> buttons) {
            this.buttons = buttons;
            return this;
        }

        /** The CRM user shown as the sender in Wazzup (a manager writing from the CRM). */
        public Builder author(String crmUserId) {
            this.crmUserId = crmUserId;
            return this;
        }

        /** Whether the send resets the unanswered counter (a manager's reply); false unless set. */
        public Builder clearUnanswered(boolean clear) {
            this.clearUnanswered = clear;
            return this;
        }

        /** Quotes this message (Wazzup's {@code messageId}). */
        public Builder quoting(String messageId) {
            this.refMessageId = messageId;
            return this;
        }

        /**
         * @throws IllegalArgumentException when the content is missing or mixed (a text with a file, a
         *         template with either), or a raw chat names neither an id, a phone nor a username
         */
        public OutgoingMessage build() {
            int kinds = (text != null ? 1 : 0) + (contentUri != null ? 1 : 0) + (templateId != null ? 1 : 0);
            if (kinds == 0) {
                throw new IllegalArgumentException("a message needs a text, a file or a template");
            }
            if (kinds > 1) {
                throw new IllegalArgumentException("a message carries one of a text, a file or a template");
            }
            if (text != null && text.isBlank()) {
                throw new IllegalArgumentException("the text is blank");
            }
            if (contactId == null && chatId == null && phone == null && username == null) {
                throw new IllegalArgumentException("a message needs a contact or a chat");
            }
            if (id != null && (id.isBlank() || id.length() > 100)) {
                throw new IllegalArgumentException("a message's id has 1 to 100 characters");
            }
            return new OutgoingMessage(this);
        }
    }
}
