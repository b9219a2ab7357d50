package dev.crmbridge.wazzup.internal.sync;

import java.time.Instant;

/**
 * Wazzup failing the sync now: what the health check and the console read.
 *
 * @param since when the failures in a row began
 * @param failuresInARow how many requests failed in a row (each after the pause the one before earned)
 * @param keyRefused whether Wazzup refused the key (401) or its rights (403), not merely failed
 * @param why the last failure in an administrator's words (never a secret)
 */
public record Outage(Instant since, int failuresInARow, boolean keyRefused, String why) {
}
