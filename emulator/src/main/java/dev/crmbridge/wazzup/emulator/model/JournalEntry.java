package dev.crmbridge.wazzup.emulator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/**
 * One API request the emulator received, with secrets masked: the {@code Authorization} header shows
 * only its scheme. {@code accountId} is null when the key was not recognised; {@code body} is cut at
 * the journal's limit. {@code concurrent} is how many requests with the same key the emulator was
 * handling when this one arrived, itself included (0 without a key): a client that sends one request
 * at a time never shows more than 1. {@code crmMessageId} is a {@code POST /v3/message} body's, whole
 * even when the body is cut (null for other routes, or when the send had none).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JournalEntry(long seq, Instant time, String method, String path, String query,
        Map<String, String> headers, String body, int status, String accountId, String route, int concurrent,
        String crmMessageId) {
}
