package dev.crmbridge.wazzup.internal.config;

import dev.crmbridge.wazzup.api.IntegrationScheme;
import dev.crmbridge.wazzup.api.WazzupConnector;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The administrator's form for the connector (PID {@value WazzupConnector#PID}). The attribute ids
 * are the property names in {@link WazzupConnector}.
 */
@ObjectClassDefinition(
        id = WazzupConnector.PID,
        name = "Wazzup connector",
        description = "Connects this CRM to a Wazzup (wazzup24.com) account: users, contacts, deals and "
                + "pipelines are kept in step, and managers get chat buttons.")
public @interface ConnectorConfiguration {

    /** Default connect timeout, in seconds. */
    int DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;

    /** Default response timeout, in seconds. */
    int DEFAULT_RESPONSE_TIMEOUT_SECONDS = 30;

    @AttributeDefinition(
            name = "API key",
            description = "The key of the Wazzup account (Integration with CRM > API in Wazzup). "
                    + "Leave empty to connect by button (WAuth) instead. Stored as a secret and never logged.",
            type = AttributeType.PASSWORD,
            required = false)
    String apiKey() default "";

    @AttributeDefinition(
            name = "API base URL",
            description = "Base URL of the Wazzup API, without /v3. Default: "
                    + WazzupConnector.DEFAULT_API_BASE_URL
                    + ". Change it only to point at a test double such as the bundled emulator.")
    String apiBaseUrl() default WazzupConnector.DEFAULT_API_BASE_URL;

    @AttributeDefinition(
            name = "Integration scheme",
            description = "CLIENT_MANAGEMENT: users, contacts, deals and pipelines are synchronised (the full "
                    + "scheme). CONTACTS_ONLY: users and contacts only, no deals. Default: CLIENT_MANAGEMENT.")
    IntegrationScheme scheme() default IntegrationScheme.CLIENT_MANAGEMENT;

    @AttributeDefinition(
            name = "Connect timeout (s)",
            description = "Seconds to wait for a TCP connection to the Wazzup API. Default: 10. Range 1-300.",
            min = "1",
            max = "300")
    int connectTimeoutSeconds() default DEFAULT_CONNECT_TIMEOUT_SECONDS;

    @AttributeDefinition(
            name = "Response timeout (s)",
            description = "Seconds to wait for the Wazzup API to answer a request. Default: 30. Range 1-600.",
            min = "1",
            max = "600")
    int responseTimeoutSeconds() default DEFAULT_RESPONSE_TIMEOUT_SECONDS;

    @AttributeDefinition(
            name = "Request budget (per 5 s)",
            description = "Requests the connector may make per 5 seconds with this API key. Wazzup allows 500 and "
                    + "answers 429 above; keep room for other systems using the key. Default: 450. Range 1-500.",
            min = "1",
            max = "500")
    int rateBudget() default 450;

    @AttributeDefinition(
            name = "Storage",
            description = "Where the outbox and sync state live. EMBEDDED: a database file in the bundle's data "
                    + "area (no setup). DATA_SOURCE: the host's javax.sql.DataSource service chosen by the data source "
                    + "filter (e.g. PostgreSQL shared by a cluster). Default: EMBEDDED.")
    Storage storage() default Storage.EMBEDDED;

    @AttributeDefinition(
            name = "Data source filter",
            description = "With storage DATA_SOURCE: an LDAP filter selecting the host's DataSource service. "
                    + "Default: (dataSourceName=wazzup).")
    String dataSource_target() default "(dataSourceName=wazzup)";

    @AttributeDefinition(
            name = "Cluster: node name",
            description = "With storage DATA_SOURCE on PostgreSQL, the nodes sharing the database form a cluster: "
                    + "this node's name in it, as the status pages show who leads. Unique per node. Empty: the host "
                    + "name and the process id. Read when the store opens.",
            required = false)
    String clusterNodeName() default "";

    @AttributeDefinition(
            name = "Cluster: lease (s)",
            description = "With storage DATA_SOURCE on PostgreSQL: how long a node's lease on the account's "
                    + "leadership lasts without renewal (renewed every sixth of it). A leader that dies or pauses is "
                    + "replaced within about 1.2 times this. Default: 6. Range 2-120. Read when the store opens.",
            min = "2",
            max = "120")
    int clusterLeaseSeconds() default 6;

    @AttributeDefinition(
            name = "Batch delay (ms)",
            description = "How long a change waits for others to fill a batch of 100 before it is sent anyway. "
                    + "Lower is faster, higher makes fewer requests. Default: 500. Range 0-60000.",
            min = "0",
            max = "60000")
    int batchDelayMillis() default 500;

    @AttributeDefinition(
            name = "Longest retry pause (s)",
            description = "While Wazzup is unavailable the connector pauses 2 s, then twice as long each time, up to "
                    + "this. Changes keep being recorded meanwhile. Default: 60. Range 2-3600.",
            min = "2",
            max = "3600")
    int retryMaxDelaySeconds() default 60;

    @AttributeDefinition(
            name = "Reconciliation interval (min)",
            description = "How often the CRM is compared with what Wazzup holds, and every difference sent. 0: never "
                    + "(only on request). Default: 1440 (daily).",
            min = "0")
    int reconcileIntervalMinutes() default 1440;

    @AttributeDefinition(
            name = "Reconciliation deletes",
            description = "Whether the reconciliation deletes from Wazzup the users, contacts and deals the CRM no "
                    + "longer has. Default: true.")
    boolean reconcileDeletes() default true;

    @AttributeDefinition(
            name = "Initial sync",
            description = "Whether a newly configured Wazzup account gets all users, contacts, deals and pipelines of "
                    + "the CRM at once. Default: true.")
    boolean initialSync() default true;

    @AttributeDefinition(
            name = "Public base URL",
            description = "The address at which Wazzup reaches this CRM from the internet, e.g. https://crm.example.com. "
                    + "With it the connector subscribes to Wazzup's webhooks at <public base URL><webhook path>/<secret>. "
                    + "Empty: no subscription (webhooks must then be set up by hand).",
            required = false)
    String publicBaseUrl() default "";

    @AttributeDefinition(
            name = "Webhook path",
            description = "The path of the webhook servlet on this CRM's HTTP service. Default: /wazzup/webhook.")
    String webhookPath() default "/wazzup/webhook";

    @AttributeDefinition(
            name = "Webhook secret",
            description = "The secret part of the webhook address. Generated and stored here when empty. A secret: "
                    + "changing it makes the connector subscribe again with the new address.",
            type = AttributeType.PASSWORD,
            required = false)
    String webhookSecret() default "";

    @AttributeDefinition(
            name = "CRM key",
            description = "Set by connecting with WAuth: Wazzup sends it as Authorization: Bearer on every webhook, "
                    + "and then webhooks without it are refused. A secret.",
            type = AttributeType.PASSWORD,
            required = false)
    String crmKey() default "";

    @AttributeDefinition(
            name = "Webhook body limit (bytes)",
            description = "Larger webhook bodies are refused with 413. Default: 1048576 (1 MB). Range 1024-67108864.",
            min = "1024",
            max = "67108864")
    int webhookMaxBodyBytes() default 1_048_576;

    @AttributeDefinition(
            name = "Webhook subscription check (minutes)",
            description = "How often the subscription is read back from Wazzup (GET /v3/webhooks) and set again when"
                    + " another system re-pointed it or turned subscriptions off. 0 = only at start. Default: 10.",
            min = "0",
            max = "1440")
    int webhookVerifyMinutes() default 10;

    @AttributeDefinition(
            name = "Webhook subscription check (seconds)",
            description = "Advanced: the same check in seconds, when above 0 it replaces the minutes (tests, demos). "
                    + "Default: 0. Range 0-86400.",
            min = "0",
            max = "86400")
    int webhookVerifySeconds() default 0;

    @AttributeDefinition(
            name = "Pipeline for new deals",
            description = "The pipeline id passed to the CRM when Wazzup asks it to create a deal. Empty: the CRM chooses.",
            required = false)
    String dealPipelineId() default "";

    @AttributeDefinition(
            name = "Stage for new deals",
            description = "The stage id passed to the CRM when Wazzup asks it to create a deal. Empty: the CRM chooses.",
            required = false)
    String dealStageId() default "";

    @AttributeDefinition(
            name = "Chat endpoints path",
            description = "The path of the chat buttons' endpoints and script on this CRM's HTTP service. "
                    + "Default: /wazzup/chat.")
    String chatPath() default "/wazzup/chat";

    @AttributeDefinition(
            name = "Counter cache (s)",
            description = "How long a user's unanswered counter is reused before Wazzup is asked again; a customer's "
                    + "message refreshes it sooner. Default: 15. Range 1-3600.",
            min = "1", max = "3600")
    int counterTtlSeconds() default 15;

    @AttributeDefinition(
            name = "Chat windows per user per minute",
            description = "How many chat windows one signed-in user may open per minute; more are refused with 429 "
                    + "(a tab looping on the endpoint must not spend the key's budget). Default: 30. Range 1-600.",
            min = "1", max = "600")
    int chatWindowsPerMinute() default 30;

    @AttributeDefinition(name = "Messages sent at once", description = "How many messages the CRM queued through"
            + " the Messages service the leader sends at the same time (to different chats; one chat's messages go in"
            + " order). All of them draw on the key's rate budget, shared with the sync: 1 to 32.")
    int messageSenders() default 4;

    @AttributeDefinition(name = "Repeat window of a doubtful send (s)", description = "After an attempt whose answer was"
            + " lost, how long the connector may still send the message again: Wazzup refuses a repeat of the same"
            + " crmMessageId for 60 s, so a repeat within that is safe. Past this window the message ends UNKNOWN and is"
            + " not sent again. Lower is more careful (more UNKNOWN); 1 to 55.")
    int messageRepeatWindowSeconds() default 50;

    @AttributeDefinition(
            name = "Chat share of the request budget (%)",
            description = "The part of the request budget that chat windows and counters, which people wait for, may "
                    + "use at most; the rest stays for the sync. Such a request never waits longer than the response "
                    + "timeout: with the share in use it fails at once and a counter shows its last value. "
                    + "Default: 20. Range 1-100.",
            min = "1", max = "100")
    int chatBudgetSharePercent() default 20;

    @AttributeDefinition(
            name = "Counter poll interval (s)",
            description = "How often an open page asks for the unanswered counter (and at once when the tab "
                    + "becomes visible). Default: 30. Range 5-3600.",
            min = "5", max = "3600")
    int counterPollSeconds() default 30;

    @AttributeDefinition(
            name = "Live unanswered counter",
            description = "On: each open page's Chats button keeps one Server-Sent Events stream (<chat path>/stream) and "
                    + "its counter moves the moment a customer writes or a manager answers; the page polls only when "
                    + "streams are not available. Off: pages poll every counter poll interval. Default: on.")
    boolean counterStream() default true;

    @AttributeDefinition(
            name = "Live counter heartbeat (s)",
            description = "How often an idle stream is sent a comment line, so that proxies keep it open and a closed "
                    + "tab is noticed. Keep it below the HTTP server's idle timeout (Felix HTTP: 60 s by default). "
                    + "Default: 25. Range 1-120.",
            min = "1", max = "120")
    int counterStreamHeartbeatSeconds() default 25;

    @AttributeDefinition(
            name = "Live counter share of the chat budget (%)",
            description = "The part of the chat share of the request budget that the live counter's fetches may use at "
                    + "most, however fast messages arrive; beyond it they wait, responsible users first. Default: 50. "
                    + "Range 1-100.",
            min = "1", max = "100")
    int counterStreamBudgetPercent() default 50;

    @AttributeDefinition(
            name = "Live counter refresh of other users (s)",
            description = "Users who may see a chat without being responsible for it (supervisors, quality control) are "
                    + "refreshed too, together, at most once per this many seconds while messages flow. Default: 5. "
                    + "Range 1-300.",
            min = "1", max = "300")
    int counterStreamGreySeconds() default 5;

    @AttributeDefinition(
            name = "Health check: oldest pending change (min)",
            description = "The health check warns when a change recorded this many minutes ago is still not in "
                    + "Wazzup. Default: 15. Range 1-1440.",
            min = "1", max = "1440")
    int healthPendingWarnMinutes() default 15;

    @AttributeDefinition(
            name = "Deal events in the chat window",
            description = "On: \"+\" and the deals in the chat window's Deals dropdown are handled by the page: "
                    + "the chat button creates the deal through the CRM and the page gets DOM events "
                    + "(wazzup-create-entity, wazzup-open-entity). Off: Wazzup asks for deals by webhook "
                    + "(needs a public base URL). Default: off.")
    boolean chatDealEvents() default false;

    @AttributeDefinition(
            name = "CRM type",
            description = "The CRM's name as Wazzup's chat window is told (options.clientType). Optional.",
            required = false)
    String clientType() default "";

    @AttributeDefinition(
            name = "WAuth: CRM code",
            description = "For connecting by button from the Wazzup marketplace: the crmCode this CRM's integration was "
                    + "registered with (POST /v3/marketplace). Empty: connecting by button is off.",
            required = false)
    String crmCode() default "";

    @AttributeDefinition(
            name = "WAuth: secret",
            description = "The secret registered with the marketplace integration; the connector proves the "
                    + "installation with it (POST /v3/connect). A secret: never shown or logged.",
            type = AttributeType.PASSWORD,
            required = false)
    String secret() default "";

    @AttributeDefinition(
            name = "WAuth: redirect path",
            description = "The path of the confirmation page on this CRM's HTTP service; the integration's "
                    + "authRedirectUri is <public base URL><this path>. Default: /wazzup/connect.")
    String connectPath() default "/wazzup/connect";

    @AttributeDefinition(
            name = "Phone rules",
            description = "How national phone formats become international digits, as FROM>TO:LENGTH: a number of "
                    + "LENGTH digits starting with FROM gets TO instead. Example for Russia: 8>7:11 (8 901 ... becomes "
                    + "7 901 ...) and >7:10 (a ten-digit number gets 7). Default: none (digits only).",
            required = false)
    String[] phoneRules() default {};
}
