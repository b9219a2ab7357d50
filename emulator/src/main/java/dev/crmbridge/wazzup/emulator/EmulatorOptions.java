package dev.crmbridge.wazzup.emulator;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * The emulator's switches. Defaults follow {@code wazzup-api-v3.md}; where the reference is
 * [UNCONFIRMED] or gives two variants, the default is the most plausible reading and a switch selects
 * the other. Thread-safe: every field is volatile, and a change applies to the next request. Changed
 * at run time through {@code PUT /__emulator/options} with the same field names.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public final class EmulatorOptions {

    /** Shape of {@code GET /v3/users} (§2.3). */
    public enum UsersListShape {
        /** Newest pages: a plain array of all users sorted by name. */
        ARRAY,
        /** Older pages: {@code ?offset=} pages of 100 as {@code {"count":"N","data":[…]}}. */
        PAGED
    }

    /** §1.4: requests per window per API key; above it, 429. */
    @JsonProperty volatile boolean rateLimitEnabled = true;
    @JsonProperty volatile int rateLimitRequests = 500;
    @JsonProperty volatile long rateLimitWindowMillis = 5_000;

    /** §2.3. */
    @JsonProperty volatile UsersListShape usersListShape = UsersListShape.ARRAY;

    /**
     * §8.2, §10.1: {@code false} answers {@code GET /v3/webhooks} as the docs show (string flags,
     * {@code templateStatus}) and channels without {@code name}; {@code true} as reported live
     * (boolean flags, {@code wabaTemplatesStatus}, channel names).
     */
    @JsonProperty volatile boolean liveShapes = false;

    /** §2.1: user id ≤ 64 and name ≤ 150 (partner API, SDKs) instead of 200/200. */
    @JsonProperty volatile boolean strictUserLengths = false;

    /** §6.1: older pages require {@code user.name} in {@code POST /v3/iframe}. */
    @JsonProperty volatile boolean requireIframeUserName = false;

    /** §4.1: the deal {@code uri} is required (the field tree marks it so; the table says optional). */
    @JsonProperty volatile boolean requireDealUri = true;

    /** §4.1: a deal's contacts must be "contacts already loaded"; unknown ids → INVALID_DEALS_DATA. */
    @JsonProperty volatile boolean requireKnownDealContacts = true;

    /** Undocumented: reject contacts and deals whose responsible user was not uploaded. */
    @JsonProperty volatile boolean requireKnownResponsibleUsers = false;

    /** §4.1 [UNCONFIRMED]: at most this many contacts per deal (an SDK caps at 10); 0 = no cap. */
    @JsonProperty volatile int maxDealContacts = 0;

    /** §5 [UNCONFIRMED]: an upload replaces the funnels (true) or merges by id (false). */
    @JsonProperty volatile boolean pipelinesUploadReplaces = true;

    /** §8.4 [UNCONFIRMED]: messages sent through the API also come back as {@code isEcho} webhooks. */
    @JsonProperty volatile boolean echoApiMessages = false;

    /** §8.6 [UNCONFIRMED]: accept a one-element array as the CRM's creation answer (not only an object). */
    @JsonProperty volatile boolean acceptArrayCreationAnswer = true;

    /** §1.5 [UNCONFIRMED]: apply the 100-id cap to {@code PATCH /v3/users/bulk_delete} too. */
    @JsonProperty volatile boolean capUsersBulkDelete = true;

    /**
     * §9, §13.1 [UNCONFIRMED]: {@code true} is a Wazzup that ignores the {@code crmKey} of
     * {@code POST /v3/connect}: webhooks then come without {@code Authorization}.
     */
    @JsonProperty volatile boolean ignoreConnectCrmKey = false;

    /**
     * §8.4: {@code true} sends an outgoing message's later status as the {@code messages} item again
     * (the same {@code messageId}, the new {@code status}, {@code error{}} on a failure) instead of a
     * {@code statuses} item.
     */
    @JsonProperty volatile boolean statusesAsMessages = false;

    /**
     * §3.3, §4.3 [SEC shapes]: {@code true} lists contacts and deals as the real Wazzup may show what was
     * sent with no change in meaning ({@link Listings}): generated Telegram chatIds, another order, other
     * case, numeric ids, string booleans, the contact uri left out.
     */
    @JsonProperty volatile boolean variedListings = false;

    /** §1.6: {@code true} is a server that ignores {@code offset}: every list request gets the first page. */
    @JsonProperty volatile boolean ignoreListOffset = false;

    /**
     * §1.3: {@code true} answers accepted writes with 201 and the non-JSON body {@code { ok }}, and bulk
     * deletes with an object instead of the array of unknown ids.
     */
    @JsonProperty volatile boolean oddWriteAnswers = false;

    /**
     * §8.5: when an API send reports {@code sent}, {@code delivered} and {@code read}, in milliseconds
     * of the emulator's clock after the send; a negative delay leaves that step out. A planned failure
     * reports {@code error} after the {@code sent} delay instead. Per account the progression can be
     * switched off ({@code PUT /__emulator/accounts/{id}/settings {"statusProgression": false}}).
     */
    @JsonProperty volatile long statusSentDelayMillis = 200;
    @JsonProperty volatile long statusDeliveredDelayMillis = 1_000;
    @JsonProperty volatile long statusReadDelayMillis = 2_000;

    /**
     * §10.3: how long after sending a message may be edited or deleted. Wazzup does not publish the
     * windows (only their error codes); 15 minutes is WhatsApp's own edit window, 48 hours Telegram's
     * limit on deleting in groups. 0 or less: no limit.
     */
    @JsonProperty volatile long messageEditWindowMillis = 15 * 60_000;
    @JsonProperty volatile long messageDeleteWindowMillis = 48 * 3_600_000L;

    /**
     * §10.2 / §10.4: the longest WABA template text (the body filled in) before
     * MESSAGES_TOO_LONG_WABA_TEMPLATE. The newest send page says 550; the error table names 1,024.
     */
    @JsonProperty volatile int wabaTemplateTextLimit = 550;

    /** §8.3: how long a webhook POST may take before the emulator gives up (30 s). */
    @JsonProperty volatile long deliveryTimeoutMillis = 30_000;

    /** §1.7: the {@code crmMessageId} duplicate window. */
    @JsonProperty volatile long crmMessageIdWindowMillis = 60_000;

    /** §2.2 [SEC]: users per account. */
    @JsonProperty volatile int maxUsers = 1_000;

    /** §9: how long a WAuth {@code state} stays valid. */
    @JsonProperty volatile long stateTtlMillis = 15 * 60_000;

    /** Request bodies above this are refused with 413 (not documented; protects the emulator). */
    @JsonProperty volatile int maxBodyBytes = 10 * 1024 * 1024;

    /** How many requests the journal keeps (oldest dropped first), and the body characters per entry. */
    @JsonProperty volatile int journalCapacity = 5_000;
    @JsonProperty volatile int journalBodyLimit = 64 * 1024;

    /** How many webhook deliveries are kept. */
    @JsonProperty volatile int deliveryCapacity = 10_000;

    public EmulatorOptions rateLimit(boolean enabled) {
        this.rateLimitEnabled = enabled;
        return this;
    }

    public EmulatorOptions rateLimit(int requests, Duration window) {
        this.rateLimitEnabled = true;
        this.rateLimitRequests = requests;
        this.rateLimitWindowMillis = window.toMillis();
        return this;
    }

    public EmulatorOptions usersListShape(UsersListShape shape) {
        this.usersListShape = shape;
        return this;
    }

    public EmulatorOptions liveShapes(boolean live) {
        this.liveShapes = live;
        return this;
    }

    public EmulatorOptions strictUserLengths(boolean strict) {
        this.strictUserLengths = strict;
        return this;
    }

    public EmulatorOptions requireIframeUserName(boolean require) {
        this.requireIframeUserName = require;
        return this;
    }

    public EmulatorOptions requireDealUri(boolean require) {
        this.requireDealUri = require;
        return this;
    }

    public EmulatorOptions requireKnownDealContacts(boolean require) {
        this.requireKnownDealContacts = require;
        return this;
    }

    public EmulatorOptions requireKnownResponsibleUsers(boolean require) {
        this.requireKnownResponsibleUsers = require;
        return this;
    }

    public EmulatorOptions maxDealContacts(int max) {
        this.maxDealContacts = max;
        return this;
    }

    public EmulatorOptions pipelinesUploadReplaces(boolean replaces) {
        this.pipelinesUploadReplaces = replaces;
        return this;
    }

    public EmulatorOptions echoApiMessages(boolean echo) {
        this.echoApiMessages = echo;
        return this;
    }

    public EmulatorOptions acceptArrayCreationAnswer(boolean accept) {
        this.acceptArrayCreationAnswer = accept;
        return this;
    }

    public EmulatorOptions ignoreConnectCrmKey(boolean ignore) {
        this.ignoreConnectCrmKey = ignore;
        return this;
    }

    public EmulatorOptions statusesAsMessages(boolean asMessages) {
        this.statusesAsMessages = asMessages;
        return this;
    }

    public EmulatorOptions variedListings(boolean varied) {
        this.variedListings = varied;
        return this;
    }

    public EmulatorOptions ignoreListOffset(boolean ignore) {
        this.ignoreListOffset = ignore;
        return this;
    }

    public EmulatorOptions oddWriteAnswers(boolean odd) {
        this.oddWriteAnswers = odd;
        return this;
    }

    /** The status delays after a send (§8.5); a negative one leaves its step out. */
    public EmulatorOptions statusDelays(Duration sent, Duration delivered, Duration read) {
        this.statusSentDelayMillis = sent == null ? -1 : sent.toMillis();
        this.statusDeliveredDelayMillis = delivered == null ? -1 : delivered.toMillis();
        this.statusReadDelayMillis = read == null ? -1 : read.toMillis();
        return this;
    }

    /** The edit and delete windows (§10.3). */
    public EmulatorOptions messageWindows(Duration edit, Duration delete) {
        this.messageEditWindowMillis = edit.toMillis();
        this.messageDeleteWindowMillis = delete.toMillis();
        return this;
    }

    public EmulatorOptions wabaTemplateTextLimit(int limit) {
        this.wabaTemplateTextLimit = limit;
        return this;
    }

    public EmulatorOptions deliveryTimeout(Duration timeout) {
        this.deliveryTimeoutMillis = timeout.toMillis();
        return this;
    }

    public EmulatorOptions maxUsers(int max) {
        this.maxUsers = max;
        return this;
    }

    public EmulatorOptions journalCapacity(int entries) {
        this.journalCapacity = entries;
        return this;
    }

    public boolean rateLimitEnabled() {
        return rateLimitEnabled;
    }

    public int rateLimitRequests() {
        return rateLimitRequests;
    }

    public long rateLimitWindowMillis() {
        return rateLimitWindowMillis;
    }
}
