package dev.crmbridge.wazzup.internal.message;

import dev.crmbridge.wazzup.api.message.Channel;
import dev.crmbridge.wazzup.api.message.Channels;
import dev.crmbridge.wazzup.internal.client.WazzupClient;
import dev.crmbridge.wazzup.internal.client.WzChannel;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The account's channels: read from {@code GET /v3/channels} when first asked and every
 * {@link #REFRESH} after, and moved by {@code channelsUpdates} webhooks the moment they are delivered
 * ({@link #update}). Thread-safe.
 */
public final class ChannelRegistry implements Channels {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelRegistry.class);
    /** How long a list read from Wazzup is trusted without a webhook. */
    static final long REFRESH = 10 * 60_000L;
    /** After a failed read, how long until the next. */
    private static final long RETRY = 2_000L;

    private final WazzupClient client;
    private final Clock clock;
    private final Map<String, Channel> byId = new LinkedHashMap<>();
    private long readAt = Long.MIN_VALUE;
    private long nextRead = Long.MIN_VALUE;
    /** Counts {@link #stale()} calls: a read that began before one does not make the list fresh. */
    private long staleness;

    /** @param client the account's client, or null without a key (no channels) */
    public ChannelRegistry(WazzupClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    @Override
    public List<Channel> list() {
        refreshIfStale();
        synchronized (this) {
            return List.copyOf(byId.values());
        }
    }

    /** The channels as last read, without asking Wazzup (for status pages). */
    public synchronized List<Channel> known() {
        return List.copyOf(byId.values());
    }

    /** Reads the list from Wazzup when it is older than {@link #REFRESH}; a failure keeps what is known. */
    public void refreshIfStale() {
        long now = clock.millis();
        long began;
        synchronized (this) {
            if (client == null || now < nextRead) {
                return;
            }
            nextRead = now + RETRY; // one reader at a time; the others use what is known
            began = staleness;
        }
        try {
            List<WzChannel> read = client.channels().list();
            synchronized (this) {
                Map<String, Channel> fresh = new LinkedHashMap<>();
                for (WzChannel c : read) {
                    if (c.channelId() != null) {
                        fresh.put(c.channelId(), channel(c.channelId(), c.transport(), c.plainId(), c.name(), c.state()));
                    }
                }
                byId.clear();
                byId.putAll(fresh);
                readAt = now;
                // made stale while the answer was on its way: it may predate the change, read again when next asked
                nextRead = staleness == began ? now + REFRESH : Long.MIN_VALUE;
            }
        } catch (RuntimeException e) {
            LOG.warn("Wazzup channels: could not read the account's channels ({}); trying again when next needed, in {} s"
                    + " at the soonest", e.getMessage(), RETRY / 1000);
        }
    }

    /** Reads the list at the next {@link #list()} (a channel Wazzup did not list before was updated). */
    public synchronized void stale() {
        staleness++;
        nextRead = Long.MIN_VALUE;
    }

    /** A {@code channelsUpdates} item: the channel's new state, at once. */
    public void update(String channelId, String state) {
        if (channelId == null || state == null) {
            return;
        }
        synchronized (this) {
            Channel c = byId.get(channelId);
            if (c != null) {
                byId.put(channelId, channel(c.id(), c.transport(), c.plainId(), c.name(), state));
                return;
            }
            nextRead = Long.MIN_VALUE; // a channel not known yet: read the list when next asked
        }
        LOG.info("Wazzup channels: an update for a channel not listed yet; the list is read again");
    }

    /** The channels in trouble, in words for an administrator, or null when every channel can send. */
    public String problem() {
        List<String> trouble = new ArrayList<>();
        for (Channel c : known()) {
            if (c.problem() != null) {
                trouble.add(c.problem());
            }
        }
        return trouble.isEmpty() ? null : String.join("; ", trouble);
    }

    /** When the list was last read from Wazzup, or {@link Long#MIN_VALUE}. */
    public synchronized long readAt() {
        return readAt;
    }

    static Channel channel(String id, String transport, String plainId, String name, String state) {
        return new Channel(id, transport, plainId, name, state, problem(transport, plainId, name, state));
    }

    /** What a state means for an administrator, or null for {@code active} (and {@code init}: being set up). */
    static String problem(String transport, String plainId, String name, String state) {
        String s = state == null ? "" : state.toLowerCase(Locale.ROOT);
        String what = "the " + (transport == null ? "" : transport + " ") + "channel "
                + (name != null && !name.isBlank() ? name : plainId == null ? "" : plainId);
        String why = switch (s) {
            case "active", "init" -> null;
            case "qr", "qridle" -> "needs its QR code scanned in Wazzup";
            case "notenoughmoney" -> "is out of money: top up the Wazzup account";
            case "blocked" -> "is blocked";
            case "unauthorized" -> "must be authorized again in Wazzup";
            case "phoneunavailable" -> "cannot reach its phone";
            case "openelsewhere" -> "is open in another WhatsApp Web session";
            case "foreignphone" -> "was scanned by another phone number";
            case "waitforpassword" -> "waits for its two-factor password in Wazzup";
            case "disabled" -> "is disabled (not in the subscription, or maintenance)";
            case "onmoderation" -> "is in moderation";
            case "rejected" -> "was rejected by WhatsApp";
            default -> "is in the state '" + state + "'";
        };
        return why == null ? null : what.trim() + " " + why;
    }

    /** The chat type a channel's transport sends to (§10.1), or the transport itself for the others. */
    static String chatType(String transport) {
        if (transport == null) {
            return "";
        }
        return switch (transport.toLowerCase(Locale.ROOT)) {
            case "wapi", "whatsapp" -> "whatsapp";
            case "tgapi", "telegram" -> "telegram";
            case "max", "maxbot" -> "max";
            default -> transport.toLowerCase(Locale.ROOT);
        };
    }
}
