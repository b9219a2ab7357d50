package dev.crmbridge.wazzup.internal.cluster;

import dev.crmbridge.wazzup.internal.util.Worker;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one node tells the others at once, through PostgreSQL's {@code LISTEN/NOTIFY} on the channel
 * {@value #CHANNEL}: that changes were recorded (the leader sends them without waiting for its next look
 * at the outbox), that notifications were stored (any node may deliver them), that a customer wrote (every
 * node refreshes its cached counters). A signal is a hint, never the record: what it announces is in the
 * store, and every node also looks there on its own every half second, so a signal lost (the listening
 * connection broke) only costs that delay; counters then refresh at their time to live.
 *
 * <p>Sending is asynchronous and coalesced: {@link #send} returns at once, and one thread sends what
 * was asked meanwhile in one transaction. Listening needs the driver's {@code org.postgresql.PGConnection}
 * (an optional import) on a connection of its own, held while the node runs.
 */
public final class Signals implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

    public static final String CHANNEL = "wazzup";

    /** What a signal announces. */
    public enum Kind {
        /** Changes were recorded in the outbox. */
        OUTBOX,
        /** Webhook notifications were stored in the inbox. */
        INBOX,
        /** A customer wrote or a manager answered: cached counters are stale. */
        COUNTERS,
        /** The CRM queued a message to send: the leader sends it. */
        MESSAGES,
        /** A channel's state or a template's status changed: every node reads them anew. */
        CATALOG
    }

    private final DataSource dataSource;
    private final String account;
    private final String node;
    /** The longest list of names one notification carries (PostgreSQL takes 8,000 bytes). */
    private static final int MAX_DATA = 6_000;

    private final Map<Kind, List<java.util.function.Consumer<List<String>>>> handlers = new ConcurrentHashMap<>();
    private final Set<Kind> pending = EnumSet.noneOf(Kind.class);
    /** Names to send with a kind (e.g. the users whose counters changed); guarded by {@code pending}. */
    private final Map<Kind, Set<String>> pendingData = new java.util.EnumMap<>(Kind.class);
    private final Worker sender;
    private final Worker listener;
    private volatile boolean listening;

    public Signals(DataSource dataSource, String account, String node) {
        this.dataSource = dataSource;
        this.account = account;
        this.node = node.replace('|', '_'); // the payload's separator
        for (Kind k : Kind.values()) {
            handlers.put(k, new CopyOnWriteArrayList<>());
        }
        this.sender = new Worker("the cluster's signal sender", this::sendPending, Duration.ofSeconds(1), Duration.ofSeconds(30));
        this.listener = new Worker("the cluster's signal listener", this::listen, Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    public void start() {
        sender.start();
        listener.start();
    }

    /** Runs {@code r} (on the listener's thread) when another node signals {@code kind}; answers what stops it. */
    public Runnable on(Kind kind, Runnable r) {
        return onData(kind, names -> r.run());
    }

    /**
     * Runs {@code c} (on the listener's thread) when another node signals {@code kind}, with the names it sent
     * ({@link #send(Kind, java.util.Collection)}), an empty list for none; answers what stops it.
     */
    public Runnable onData(Kind kind, java.util.function.Consumer<List<String>> c) {
        handlers.get(kind).add(c);
        return () -> handlers.get(kind).remove(c);
    }

    /** Tells the other nodes, soon; returns at once. */
    public void send(Kind kind) {
        synchronized (pending) {
            pending.add(kind);
        }
        sender.wake();
    }

    /** Tells the other nodes, soon, with names (ids of users, say), coalesced with what waits; returns at once. */
    public void send(Kind kind, java.util.Collection<String> names) {
        synchronized (pending) {
            pending.add(kind);
            pendingData.computeIfAbsent(kind, k -> new java.util.LinkedHashSet<>()).addAll(names);
        }
        sender.wake();
    }

    /** Whether this node hears the others' signals now. */
    public boolean listening() {
        return listening;
    }

    private void sendPending() throws SQLException {
        Set<Kind> now;
        Map<Kind, Set<String>> data;
        synchronized (pending) {
            now = EnumSet.copyOf(pending.isEmpty() ? EnumSet.noneOf(Kind.class) : pending);
            pending.clear();
            data = new java.util.EnumMap<>(Kind.class);
            data.putAll(pendingData);
            pendingData.clear();
        }
        if (!now.isEmpty()) {
            try (Connection c = dataSource.getConnection();
                    PreparedStatement s = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                c.setAutoCommit(true);
                for (Kind k : now) {
                    for (String chunk : chunks(data.get(k))) {
                        s.setString(1, CHANNEL);
                        s.setString(2, account + "|" + k.name() + "|" + node + (chunk.isEmpty() ? "" : "|" + chunk));
                        s.addBatch();
                    }
                }
                s.executeBatch();
            } catch (SQLException e) {
                synchronized (pending) {
                    pending.addAll(now); // tried again after the worker's pause
                    data.forEach((k, v) -> pendingData.computeIfAbsent(k, x -> new java.util.LinkedHashSet<>()).addAll(v));
                }
                throw e;
            }
        }
        boolean more;
        synchronized (pending) {
            more = !pending.isEmpty();
        }
        if (!more) {
            sender.await(60_000);
        }
    }

    private void listen() throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("LISTEN " + CHANNEL);
            }
            Receiver r;
            try {
                r = new PgReceiver(c);
            } catch (LinkageError | SQLException e) {
                LOG.warn("Wazzup cluster: this node cannot listen to the other nodes' signals ({}): it looks for their"
                        + " work every half second instead, and counters refresh at their time to live", e.toString());
                listener.stop();
                return;
            }
            listening = true;
            while (listener.running()) {
                for (String payload : r.receive(500)) {
                    dispatch(payload);
                }
            }
        } finally {
            listening = false;
            try {
                c.close();
            } catch (SQLException ignored) {
                // broken already
            }
        }
    }

    /** The names, URL-encoded and comma-separated, in pieces that each fit one notification; one empty piece for none. */
    static List<String> chunks(Set<String> names) {
        if (names == null || names.isEmpty()) {
            return List.of("");
        }
        List<String> out = new java.util.ArrayList<>();
        StringBuilder b = new StringBuilder();
        for (String n : names) {
            String e = java.net.URLEncoder.encode(n, java.nio.charset.StandardCharsets.UTF_8);
            if (b.length() > 0 && b.length() + e.length() + 1 > MAX_DATA) {
                out.add(b.toString());
                b.setLength(0);
            }
            b.append(b.length() > 0 ? "," : "").append(e);
        }
        out.add(b.toString());
        return out;
    }

    /** The names of a notification's data ({@link #chunks}). */
    static List<String> names(String data) {
        if (data == null || data.isEmpty()) {
            return List.of();
        }
        List<String> out = new java.util.ArrayList<>();
        for (String e : data.split(",")) {
            try {
                out.add(java.net.URLDecoder.decode(e, java.nio.charset.StandardCharsets.UTF_8));
            } catch (IllegalArgumentException malformed) {
                // from a newer or broken node: skipped
            }
        }
        return out;
    }

    private void dispatch(String payload) {
        String[] p = payload.split("\\|", 4);
        if (p.length < 3 || !p[0].equals(account) || p[2].equals(node)) {
            return; // another account's, malformed, or this node's own
        }
        Kind kind;
        try {
            kind = Kind.valueOf(p[1]);
        } catch (IllegalArgumentException e) {
            return; // from a newer node
        }
        List<String> names = names(p.length > 3 ? p[3] : null);
        for (java.util.function.Consumer<List<String>> h : handlers.get(kind)) {
            try {
                h.accept(names);
            } catch (RuntimeException e) {
                LOG.warn("Wazzup cluster: a part failed to follow a {} signal", kind, e);
            }
        }
    }

    /** What receives notifications (the driver's API, behind an optional import). */
    interface Receiver {
        List<String> receive(int timeoutMillis) throws SQLException;
    }

    @Override
    public void close() {
        sender.stop();
        listener.stop();
        sender.join(Duration.ofSeconds(2));
        listener.join(Duration.ofSeconds(2));
    }
}
