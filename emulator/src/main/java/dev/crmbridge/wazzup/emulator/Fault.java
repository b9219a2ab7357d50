package dev.crmbridge.wazzup.emulator;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Duration;

/**
 * A scripted misbehaviour of one answer: wait {@code delay} first, then either drop the connection
 * (before handling the request, or after it, so that the request took effect but its answer is lost),
 * answer {@code status} with {@code body} (a default error body when null), or, with status 0, answer
 * normally.
 *
 * @param status the status to answer, or 0 to answer normally (after the delay)
 * @param delay how long to wait before answering
 * @param dropConnection close the connection without an answer, the request not handled
 * @param body the body for {@code status}, or null for a default error body
 * @param dropAnswer handle the request, then close the connection without an answer
 */
public record Fault(int status, @JsonIgnore Duration delay, boolean dropConnection, String body, boolean dropAnswer) {

    public Fault {
        delay = delay == null ? Duration.ZERO : delay;
    }

    public Fault(int status, Duration delay, boolean dropConnection, String body) {
        this(status, delay, dropConnection, body, false);
    }

    /** The delay in milliseconds, as the control route takes and shows it. */
    @JsonProperty("delayMillis")
    public long delayMillis() {
        return delay.toMillis();
    }

    /** Handle the request, then close the connection without answering: the answer is lost. */
    public static Fault loseAnswer() {
        return new Fault(0, Duration.ZERO, false, null, true);
    }

    /** Answer with this status and a default error body. */
    public static Fault status(int status) {
        return new Fault(status, Duration.ZERO, false, null);
    }

    /** Answer with this status and body. */
    public static Fault status(int status, String body) {
        return new Fault(status, Duration.ZERO, false, body);
    }

    /** Answer normally, but only after this delay. */
    public static Fault delay(Duration delay) {
        return new Fault(0, delay, false, null);
    }

    /** Close the connection without answering. */
    public static Fault drop() {
        return new Fault(0, Duration.ZERO, true, null);
    }
}
