package dev.crmbridge.wazzup.internal.store;

/** A webhook notification stored before Wazzup got its 200, until its event is delivered. */
public record InboxRow(long seq, String key, String kind, String body, int attempts) {
}
