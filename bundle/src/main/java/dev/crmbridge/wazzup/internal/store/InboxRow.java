package dev.crmbridge.wazzup.internal.store;

/** A webhook notification stored before Wazzup got its 200, until its event is posted. */
public record InboxRow(long seq, String kind, String body, int attempts) {
}
