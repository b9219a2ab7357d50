package dev.crmbridge.wazzup.emulator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One webhook POST the emulator made and what the CRM answered. {@code kind} is the body's top-level
 * key ({@code test}, {@code messages}, {@code statuses}, {@code createContact}, …). {@code status} is
 * the CRM's HTTP status, or 0 when no answer arrived ({@code error} then says why). {@code outcome}
 * tells what the emulator made of the answer (for creation requests: whether the entity was stored).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Delivery(long seq, String accountId, Instant time, String kind, String uri, String body,
        boolean authorized, int status, String responseBody, long millis, String error, String outcome) {
}
