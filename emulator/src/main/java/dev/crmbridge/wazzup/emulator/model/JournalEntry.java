package dev.crmbridge.wazzup.emulator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/**
 * One API request the emulator received, with secrets masked: the {@code Authorization} header shows
 * only its scheme. {@code accountId} is null when the key was not recognised; {@code body} is cut at
 * the journal's limit.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JournalEntry(long seq, Instant time, String method, String path, String query,
        Map<String, String> headers, String body, int status, String accountId, String route) {
}
