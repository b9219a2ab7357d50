package dev.crmbridge.wazzup.emulator.model;

/** The account's webhook address and subscriptions (§8.1). {@code uri} is null until one is set. */
public record WebhookSettings(String uri, boolean messagesAndStatuses, boolean contactsAndDealsCreation,
        boolean channelsUpdates, boolean templateStatus) {

    /** No address, nothing subscribed. */
    public static final WebhookSettings NONE = new WebhookSettings(null, false, false, false, false);
}
