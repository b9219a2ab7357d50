package dev.crmbridge.wazzup.emulator;

import java.time.Instant;

/**
 * A user's unanswered counter (§7.2): messages over the last 7 days, {@code red}/{@code grey} (null
 * when 0) and the time of the newest counted message (null when 0).
 */
public record Unanswered(int counterV2, String type, Instant lastMsgDateTime) {
}
