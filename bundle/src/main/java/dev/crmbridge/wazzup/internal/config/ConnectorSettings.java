package dev.crmbridge.wazzup.internal.config;

import dev.crmbridge.wazzup.api.IntegrationScheme;
import dev.crmbridge.wazzup.internal.sync.PhoneRules;
import dev.crmbridge.wazzup.internal.util.Digests;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * The validated form of {@link ConnectorConfiguration}: what the rest of the plugin reads. Its
 * {@code toString} never shows the API key.
 */
public final class ConnectorSettings {

    private final String apiKey;
    private final URI apiBaseUrl;
    private final IntegrationScheme scheme;
    private final Duration connectTimeout;
    private final Duration responseTimeout;
    private final int rateBudget;
    private final Storage storage;
    private final Duration batchDelay;
    private final Duration retryMaxDelay;
    private final Duration reconcileInterval;
    private final boolean reconcileDeletes;
    private final boolean initialSync;
    private final PhoneRules phoneRules;
    private final URI publicBaseUrl;
    private final String webhookPath;
    private final String webhookSecret;
    private final String crmKey;
    private final int webhookMaxBodyBytes;
    private final Duration webhookVerify;
    private final String dealPipelineId;
    private final String dealStageId;
    private final String chatPath;
    private final Duration counterTtl;
    private final int chatWindowsPerMinute;
    private final int messageSenders;
    private final int messageRepeatWindowSeconds;
    private final String clusterNode;
    private final Duration clusterLease;
    private final int chatBudgetShare;
    private final Duration counterPoll;
    private final boolean counterStream;
    private final Duration counterStreamHeartbeat;
    private final int counterStreamBudgetPercent;
    private final Duration counterStreamGrey;
    private final Duration healthPendingWarn;
    private final boolean chatDealEvents;
    private final String clientType;
    private final String crmCode;
    private final String wauthSecret;
    private final String connectPath;

    private ConnectorSettings(ConnectorConfiguration c, java.util.Map<String, Object> raw) {
        this.apiKey = secret(c.apiKey(), raw, "apiKey");
        this.apiBaseUrl = parseBaseUrl(c.apiBaseUrl());
        this.scheme = Objects.requireNonNullElse(c.scheme(), IntegrationScheme.CLIENT_MANAGEMENT);
        this.connectTimeout = Duration.ofSeconds(range("connectTimeoutSeconds", c.connectTimeoutSeconds(), 1, 300));
        this.responseTimeout = Duration.ofSeconds(range("responseTimeoutSeconds", c.responseTimeoutSeconds(), 1, 600));
        this.rateBudget = range("rateBudget", c.rateBudget(), 1, 500);
        this.storage = Objects.requireNonNullElse(c.storage(), Storage.EMBEDDED);
        this.batchDelay = Duration.ofMillis(range("batchDelayMillis", c.batchDelayMillis(), 0, 60_000));
        this.retryMaxDelay = Duration.ofSeconds(range("retryMaxDelaySeconds", c.retryMaxDelaySeconds(), 2, 3600));
        this.reconcileInterval = Duration.ofMinutes(range("reconcileIntervalMinutes", c.reconcileIntervalMinutes(), 0,
                Integer.MAX_VALUE));
        this.reconcileDeletes = c.reconcileDeletes();
        this.initialSync = c.initialSync();
        this.phoneRules = PhoneRules.parse(c.phoneRules());
        String base = c.publicBaseUrl() == null ? "" : c.publicBaseUrl().trim();
        this.publicBaseUrl = base.isEmpty() ? null : parseUrl("publicBaseUrl", base);
        this.webhookPath = path("webhookPath", c.webhookPath(), "/wazzup/webhook");
        this.webhookSecret = secret(c.webhookSecret(), raw, "webhookSecret");
        if (!webhookSecret.isEmpty() && !webhookSecret.matches("[A-Za-z0-9_-]{16,128}")) {
            // the value is a secret: name the rule, never the value
            throw new IllegalArgumentException("webhookSecret must be 16-128 letters, digits, '-' or '_'");
        }
        this.crmKey = secret(c.crmKey(), raw, "crmKey");
        this.webhookMaxBodyBytes = range("webhookMaxBodyBytes", c.webhookMaxBodyBytes(), 1024, 64 * 1024 * 1024);
        int verifySeconds = range("webhookVerifySeconds", c.webhookVerifySeconds(), 0, 86_400);
        this.webhookVerify = verifySeconds > 0 ? Duration.ofSeconds(verifySeconds)
                : Duration.ofMinutes(range("webhookVerifyMinutes", c.webhookVerifyMinutes(), 0, 1440));
        this.dealPipelineId = blankToNull(c.dealPipelineId());
        this.dealStageId = blankToNull(c.dealStageId());
        this.chatPath = path("chatPath", c.chatPath(), "/wazzup/chat");
        this.counterTtl = Duration.ofSeconds(range("counterTtlSeconds", c.counterTtlSeconds(), 1, 3600));
        this.chatWindowsPerMinute = range("chatWindowsPerMinute", c.chatWindowsPerMinute(), 1, 600);
        this.messageSenders = range("messageSenders", c.messageSenders(), 1, 32);
        this.messageRepeatWindowSeconds = range("messageRepeatWindowSeconds", c.messageRepeatWindowSeconds(), 1, 55);
        this.chatBudgetShare = range("chatBudgetSharePercent", c.chatBudgetSharePercent(), 1, 100);
        String node = c.clusterNodeName() == null ? "" : c.clusterNodeName().trim();
        if (node.length() > 100) {
            throw new IllegalArgumentException("clusterNodeName must have at most 100 characters");
        }
        this.clusterNode = node.isEmpty() ? defaultNodeName() : node;
        this.clusterLease = Duration.ofSeconds(range("clusterLeaseSeconds", c.clusterLeaseSeconds(), 2, 120));
        this.counterPoll = Duration.ofSeconds(range("counterPollSeconds", c.counterPollSeconds(), 5, 3600));
        this.counterStream = c.counterStream();
        this.counterStreamHeartbeat = Duration.ofSeconds(range("counterStreamHeartbeatSeconds",
                c.counterStreamHeartbeatSeconds(), 1, 120));
        this.counterStreamBudgetPercent = range("counterStreamBudgetPercent", c.counterStreamBudgetPercent(), 1, 100);
        this.counterStreamGrey = Duration.ofSeconds(range("counterStreamGreySeconds", c.counterStreamGreySeconds(), 1, 300));
        this.healthPendingWarn = Duration.ofMinutes(range("healthPendingWarnMinutes", c.healthPendingWarnMinutes(), 1, 1440));
        this.chatDealEvents = c.chatDealEvents();
        this.clientType = c.clientType() == null ? "" : c.clientType().trim();
        this.crmCode = c.crmCode() == null ? "" : c.crmCode().trim();
        if (!crmCode.isEmpty() && !crmCode.matches("[A-Za-z0-9_-]{1,100}")) {
            throw new IllegalArgumentException("crmCode must be Latin letters, digits, - or _");
        }
        this.wauthSecret = secret(c.secret(), raw, "secret");
        this.connectPath = path("connectPath", c.connectPath(), "/wazzup/connect");
        if (connectPath.equals(webhookPath) || connectPath.equals(chatPath)) {
            throw new IllegalArgumentException("connectPath must differ from webhookPath and chatPath, got " + connectPath);
        }
        if (chatPath.equals(webhookPath)) {
            throw new IllegalArgumentException("chatPath and webhookPath must differ, both are " + chatPath);
        }
    }

    /** A servlet path such as /wazzup/webhook, without a trailing slash. */
    private static String path(String attribute, String value, String example) {
        String path = value == null ? "" : value.trim();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (!path.matches("(/[A-Za-z0-9._~-]+)+")) {
            throw new IllegalArgumentException(attribute + " must be a path such as " + example + ", got: " + path);
        }
        return path;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /**
     * Validates a configuration.
     *
     * @throws IllegalArgumentException naming the attribute that is wrong (never its secret value)
     */
    public static ConnectorSettings from(ConnectorConfiguration config) {
        return new ConnectorSettings(config, java.util.Map.of());
    }

    /**
     * Validates a configuration whose secrets the component was given as {@link SecretsPlugin} markers:
     * their values come from {@code raw}, the configuration as Configuration Admin holds it.
     */
    public static ConnectorSettings from(ConnectorConfiguration config, java.util.Map<String, Object> raw) {
        return new ConnectorSettings(config, raw);
    }

    private static String secret(String fromComponent, java.util.Map<String, Object> raw, String name) {
        String v = SecretsPlugin.resolve(fromComponent, raw, name);
        return v == null ? "" : v.trim();
    }

    private static URI parseBaseUrl(String value) {
        return parseUrl("apiBaseUrl", value);
    }

    private static URI parseUrl(String attribute, String value) {
        String text = value == null ? "" : value.trim();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                    || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException(
                        attribute + " must be an absolute http(s) URL without query or fragment, got: " + text);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(attribute + " is not a valid URL: " + e.getMessage(), e);
        }
    }

    private static int range(String attribute, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(attribute + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    /** The API key, empty when none is configured. A secret: never log or show it. */
    public String apiKey() {
        return apiKey;
    }

    /** Whether an API key is configured. */
    public boolean hasApiKey() {
        return !apiKey.isEmpty();
    }

    /** A short digest of the API key: tells accounts apart without keeping the key. */
    public String apiKeyDigest() {
        if (!hasApiKey()) {
            return "none";
        }
        return Digests.sha256Hex(apiKey, 8);
    }

    /** The API base URL, without a trailing slash. */
    public URI apiBaseUrl() {
        return apiBaseUrl;
    }

    public IntegrationScheme scheme() {
        return scheme;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration responseTimeout() {
        return responseTimeout;
    }

    public int rateBudget() {
        return rateBudget;
    }

    public Storage storage() {
        return storage;
    }

    public Duration batchDelay() {
        return batchDelay;
    }

    public Duration retryMaxDelay() {
        return retryMaxDelay;
    }

    public Duration reconcileInterval() {
        return reconcileInterval;
    }

    public boolean reconcileDeletes() {
        return reconcileDeletes;
    }

    public boolean initialSync() {
        return initialSync;
    }

    public PhoneRules phoneRules() {
        return phoneRules;
    }

    /** Where Wazzup reaches this CRM, or null. */
    public URI publicBaseUrl() {
        return publicBaseUrl;
    }

    public String webhookPath() {
        return webhookPath;
    }

    /** The URL secret of the webhook address, empty until generated. A secret. */
    public String webhookSecret() {
        return webhookSecret;
    }

    /** The crmKey Wazzup sends on webhooks after WAuth, empty when none. A secret. */
    public String crmKey() {
        return crmKey;
    }

    public int webhookMaxBodyBytes() {
        return webhookMaxBodyBytes;
    }

    /** How often the webhook subscription is verified at Wazzup; zero: only at start. */
    public Duration webhookVerify() {
        return webhookVerify;
    }

    public String dealPipelineId() {
        return dealPipelineId;
    }

    public String dealStageId() {
        return dealStageId;
    }

    /** The path of the chat endpoints, without a trailing slash. */
    public String chatPath() {
        return chatPath;
    }

    public Duration counterTtl() {
        return counterTtl;
    }

    /** This node's name in a cluster. */
    public String clusterNode() {
        return clusterNode;
    }

    /** How long a node's lease lasts without renewal. */
    public Duration clusterLease() {
        return clusterLease;
    }

    /** The host name and the process id. */
    static String defaultNodeName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException | RuntimeException e) {
            host = "node";
        }
        String name = host + ":" + ProcessHandle.current().pid();
        return name.length() <= 100 ? name : name.substring(name.length() - 100);
    }

    public int chatWindowsPerMinute() {
        return chatWindowsPerMinute;
    }

    /** How long after a doubtful attempt a message may still be sent again (under Wazzup's 60-second guard). */
    public Duration messageRepeatWindow() {
        return Duration.ofSeconds(messageRepeatWindowSeconds);
    }

    /** How many queued messages the leader sends at once. */
    public int messageSenders() {
        return messageSenders;
    }

    /** The chat endpoints' share of the request budget, in percent. */
    public int chatBudgetShare() {
        return chatBudgetShare;
    }

    public Duration counterPoll() {
        return counterPoll;
    }

    /** Whether the live counter streams are served. */
    public boolean counterStream() {
        return counterStream;
    }

    public Duration counterStreamHeartbeat() {
        return counterStreamHeartbeat;
    }

    /**
     * How many counter fetches the live counter may start per 5 s: its share of the chat share of the budget,
     * at least one.
     */
    public int counterStreamBudget() {
        return Math.max(1, rateBudget() * chatBudgetShare / 100 * counterStreamBudgetPercent / 100);
    }

    public Duration counterStreamGrey() {
        return counterStreamGrey;
    }

    /** How old the oldest pending change may be before the health check warns. */
    public Duration healthPendingWarn() {
        return healthPendingWarn;
    }

    /** Whether the chat window posts deal events to the page (options.useDealsEvents). */
    public boolean chatDealEvents() {
        return chatDealEvents;
    }

    /** WAuth's crmCode, empty when connecting by button is off. */
    public String crmCode() {
        return crmCode;
    }

    /** WAuth's secret, empty when not set. A secret. */
    public String wauthSecret() {
        return wauthSecret;
    }

    /** Whether connecting by button can work: a crmCode and a secret. */
    public boolean wauthEnabled() {
        return !crmCode.isEmpty() && !wauthSecret.isEmpty();
    }

    /** The path of WAuth's confirmation page. */
    public String connectPath() {
        return connectPath;
    }

    /** options.clientType, empty when not set. */
    public String clientType() {
        return clientType;
    }

    @Override
    public String toString() {
        // never the key itself
        return "ConnectorSettings[apiBaseUrl=" + apiBaseUrl + ", scheme=" + scheme + ", apiKey="
                + (hasApiKey() ? "<set>" : "<none>") + ", storage=" + storage + ", rateBudget=" + rateBudget
                + "/5s, batchDelay=" + batchDelay.toMillis() + "ms, reconcileInterval=" + reconcileInterval.toMinutes()
                + "min, publicBaseUrl=" + publicBaseUrl + ", webhookPath=" + webhookPath + ", chatPath=" + chatPath
                + ", webhookSecret="
                + (webhookSecret.isEmpty() ? "<none>" : "<set>") + ", crmKey=" + (crmKey.isEmpty() ? "<none>" : "<set>")
                + ", crmCode=" + (crmCode.isEmpty() ? "<none>" : crmCode) + ", secret=" + (wauthSecret.isEmpty() ? "<none>" : "<set>")
                + ", connectPath=" + connectPath + "]";
    }
}
