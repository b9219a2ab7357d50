package dev.crmbridge.wazzup.internal.ops;

/**
 * The connector in JMX, as {@code dev.crmbridge.wazzup:type=Connector}: what Karaf's tooling, hawtio and the
 * Prometheus JMX exporter read. Counts are totals since the connector started ("…LastMinute": the last 60
 * seconds); entity counts are the store's (the cluster's, in a cluster). No attribute carries a secret.
 */
public interface ConnectorMXBean {

    /** Whether the connector can sync now (a key, a store and the CRM's directory). */
    boolean isRunning();

    /** Whether this node sends to Wazzup (always when alone; the leader in a cluster). */
    boolean isLeader();

    /** Whether the initial sync of the configured account is complete. */
    boolean isInitialSyncComplete();

    /** What keeps the connector from working, in words, or empty. */
    String getProblem();

    long getUsersPending();

    long getUsersSynced();

    long getUsersDeadLetters();

    long getContactsPending();

    long getContactsSynced();

    long getContactsDeadLetters();

    long getDealsPending();

    long getDealsSynced();

    long getDealsDeadLetters();

    long getPipelinesPending();

    long getPipelinesSynced();

    long getPipelinesDeadLetters();

    /** Requests sent to Wazzup (answered or not). */
    long getRequests();

    long getRequestsLastMinute();

    /** Requests Wazzup answered 429. */
    long getTooManyRequests();

    long getTooManyRequestsLastMinute();

    /** Webhook deliveries received at the webhook address. */
    long getWebhooksReceived();

    long getWebhooksReceivedLastMinute();

    /** Webhook deliveries refused (a wrong secret, a bad or oversized body, the store unavailable). */
    long getWebhooksRefused();

    /** Notifications stored from webhooks (repeats not counted). */
    long getWebhooksStored();

    /** Stored notifications not yet delivered as events. */
    long getWebhooksPending();

    /** Unanswered-counter requests to Wazzup (polling pages, live streams and the Java service). */
    long getCounterFetches();

    long getCounterFetchesLastMinute();

    /** Live-counter streams open on this node. */
    long getCounterStreams();
}
