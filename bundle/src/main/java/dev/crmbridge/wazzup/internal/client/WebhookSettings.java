package dev.crmbridge.wazzup.internal.client;

/**
 * The account's webhook address and subscriptions (§8.1, §8.2). {@code uri} null when none is set.
 */
public record WebhookSettings(String uri, boolean messagesAndStatuses, boolean contactsAndDealsCreation,
        boolean channelsUpdates, boolean templateStatus) {

    @Override
    public String toString() {
        // the URI carries the CRM's URL secret: show only where it points
        return "WebhookSettings[uri=" + redact(uri) + ", messagesAndStatuses=" + messagesAndStatuses
                + ", contactsAndDealsCreation=" + contactsAndDealsCreation + ", channelsUpdates=" + channelsUpdates
                + ", templateStatus=" + templateStatus + "]";
    }

    /** A webhook URI with its path and query replaced by {@code /…}: they may hold a secret. */
    public static String redact(String uri) {
        if (uri == null) {
            return null;
        }
        try {
            java.net.URI u = java.net.URI.create(uri);
            return u.getScheme() + "://" + u.getRawAuthority() + "/…";
        } catch (IllegalArgumentException e) {
            return "<invalid uri>";
        }
    }
}
