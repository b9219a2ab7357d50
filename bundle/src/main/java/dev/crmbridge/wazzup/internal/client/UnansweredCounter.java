package dev.crmbridge.wazzup.internal.client;

import java.time.Instant;

/**
 * A user's unanswered counter (§7.2): customer messages nobody answered over the last 7 days;
 * {@code type} {@code red} (theirs to answer), {@code grey} (others'), or null when 0;
 * {@code lastMessageAt} null when unknown.
 */
public record UnansweredCounter(int count, String type, Instant lastMessageAt) {

    public static final UnansweredCounter ZERO = new UnansweredCounter(0, null, null);

    public boolean red() {
        return "red".equalsIgnoreCase(type);
    }
}
