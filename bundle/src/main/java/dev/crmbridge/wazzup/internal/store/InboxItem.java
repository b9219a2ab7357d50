package dev.crmbridge.wazzup.internal.store;

/**
 * A webhook notification to store: its de-duplication key, its kind, its JSON, and, for one that can
 * never become an event, the reason it is set aside (null otherwise).
 */
public record InboxItem(String key, String kind, String body, String reason) {

    public static InboxItem of(String key, String kind, String body) {
        return new InboxItem(key, kind, body, null);
    }

    public static InboxItem setAside(String key, String kind, String body, String reason) {
        return new InboxItem(key, kind, body, reason);
    }
}
