package dev.crmbridge.wazzup.internal.webhook;

import dev.crmbridge.wazzup.api.sync.WebhookState;
import dev.crmbridge.wazzup.internal.client.InvalidDataException;
import dev.crmbridge.wazzup.internal.client.WazzupClient;
import dev.crmbridge.wazzup.internal.client.WazzupException;
import dev.crmbridge.wazzup.internal.client.WebhookSettings;
import dev.crmbridge.wazzup.internal.cluster.Leadership;
import dev.crmbridge.wazzup.internal.store.Fence;
import dev.crmbridge.wazzup.internal.store.FencedException;
import dev.crmbridge.wazzup.internal.store.MetaTable;
import dev.crmbridge.wazzup.internal.util.Worker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells Wazzup where to send webhooks ({@code PATCH /v3/webhooks}, §8.1), on its own thread, once the
 * servlet is there to answer Wazzup's test POST; retries after a failure (10 s, doubling up to 10
 * minutes) and keeps the state for {@code SyncStatus}. An account has one webhook address, so another
 * system may re-point it or turn subscriptions off: the subscription is read back ({@code GET
 * /v3/webhooks}) once subscribed and every {@code verifyEvery}, and set again when it differs (counted
 * as a repair). The address holds the URL secret: it is never logged or shown whole.
 */
final class Subscriber implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Subscriber.class);

    static final Duration FIRST_RETRY = Duration.ofSeconds(10);
    static final Duration LONGEST_RETRY = Duration.ofMinutes(10);

    private final WazzupClient client;
    private final WebhookSettings wanted;
    private final String shownAddress;
    private final Clock clock;
    private final Fence fence;
    private final Worker worker;
    private final Duration verifyEvery;
    private final Leadership leadership;
    /** In a cluster: where the leader keeps the subscription's state for the other nodes to show. */
    private final MetaTable shared;
    private Fence.Term term;
    private final Runnable unlisten;
    private volatile WebhookState state;
    private Duration wait = FIRST_RETRY;
    private boolean subscribed;
    private Instant lastVerified;
    private volatile long repairs;

    Subscriber(WazzupClient client, WebhookSettings wanted, String shownAddress, Clock clock, Fence fence,
            Duration verifyEvery) {
        this(client, wanted, shownAddress, clock, fence, verifyEvery, Leadership.solo("this node"), null);
    }

    /**
     * A subscriber that acts only while this node leads the account (its requests too). The leader keeps
     * the subscription's state in {@code shared} (the cluster's store), and the others show it from there.
     */
    Subscriber(WazzupClient client, WebhookSettings wanted, String shownAddress, Clock clock, Fence fence,
            Duration verifyEvery, Leadership leadership, MetaTable shared) {
        this.leadership = leadership;
        this.shared = leadership.clustered() ? shared : null;
        this.verifyEvery = verifyEvery;
        this.client = !leadership.clustered() ? client : client.gated(() -> {
            Fence.Term t = leadership.term();
            if (t == null || !t.valid()) {
                throw new FencedException("this node does not lead the account now: the leader keeps the subscription");
            }
        });
        this.wanted = wanted;
        this.shownAddress = shownAddress;
        this.clock = clock;
        this.fence = fence;
        this.state = new WebhookState(false, shownAddress, null, null, 0, 0);
        this.worker = new Worker("the webhook subscription", this::attempt, FIRST_RETRY, LONGEST_RETRY);
        this.unlisten = leadership.onChange(worker::wake);
    }

    void start() {
        worker.start();
    }

    private void attempt() {
        Instant now = clock.instant();
        if (!fence.open()) {
            worker.stop();
            return;
        }
        Fence.Term now0 = leadership.term();
        if (now0 == null || !now0.valid()) {
            // the leader keeps the subscription (this node shows the leader's state); this node takes over
            // should it lead
            term = null;
            subscribed = false;
            state = leadersState();
            worker.await(1_000);
            return;
        }
        if (now0 != term) {
            term = now0;
            subscribed = false; // a new term: set the subscription again, whatever the last leader left
            wait = FIRST_RETRY;
        }
        try {
            if (subscribed) {
                verify(now);
            } else {
                client.webhooks().set(wanted);
                subscribed = true;
                LOG.info("Wazzup webhooks: subscribed at {}", shownAddress);
                verify(now); // read back at once: a Wazzup that took the PATCH but kept something else shows here
            }
            wait = FIRST_RETRY;
            // no periodic verification: sleep until an administrator asks for one (verifyNow wakes it)
            worker.await(verifyEvery.isZero() || verifyEvery.isNegative() ? Duration.ofDays(365).toMillis()
                    : verifyEvery.toMillis());
            return;
        } catch (InvalidDataException e) {
            String why = e.is("testPostNotPassed")
                    ? "Wazzup could not reach " + shownAddress + " (its test POST did not get 200): check the public base URL"
                    : e.is("uriNotValid") ? "Wazzup refused the address " + shownAddress + " as not valid"
                    : "Wazzup refused the subscription: " + e.description();
            fail(why, now);
        } catch (FencedException e) {
            return; // the term ended: the next attempt follows the new leader
        } catch (WazzupException | IllegalStateException e) {
            fail("subscribing failed: " + e.getMessage(), now);
        }
        worker.await(wait.toMillis());
        wait = wait.multipliedBy(2).compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : wait.multipliedBy(2);
    }

    /** Reads the subscription back; sets it again when another system changed it. */
    private void verify(Instant now) {
        WebhookSettings there = client.webhooks().get();
        if (!wanted.equals(there)) {
            LOG.warn("Wazzup webhooks: the subscription was changed behind the connector's back ({}, wanted {});"
                    + " subscribing again", there, wanted);
            client.webhooks().set(wanted);
            repairs++;
        }
        lastVerified = now;
        share(new WebhookState(true, shownAddress, null, now, 0, 0, 0, lastVerified, repairs));
    }

    private void fail(String why, Instant now) {
        share(new WebhookState(subscribed, shownAddress, why, now, 0, 0, 0, lastVerified, repairs));
        LOG.warn("Wazzup webhooks: {}; retrying in {} s", why, wait.toSeconds());
    }

    /** The meta fact where a cluster's leader keeps the subscription's state (no secret in it). */
    static final String SHARED_STATE = "webhook.subscription";

    private void share(WebhookState s) {
        state = s;
        if (shared == null) {
            return;
        }
        try {
            shared.put(SHARED_STATE, (s.subscribed() ? "1" : "0") + "|" + millis(s.lastAttempt()) + "|"
                    + millis(s.lastVerified()) + "|" + s.repairs() + "|" + (s.problem() == null ? "" : s.problem()));
        } catch (RuntimeException e) {
            // only what the other nodes show: the next attempt shares it again
        }
    }

    /** The state the leader shared (a follower's view), or "not subscribed" while none is known. */
    private WebhookState leadersState() {
        String v = null;
        try {
            v = shared == null ? null : shared.get(SHARED_STATE);
        } catch (RuntimeException e) {
            // the store cannot say now
        }
        String[] p = v == null ? new String[0] : v.split("\\|", 5);
        if (p.length < 5) {
            return new WebhookState(false, shownAddress, null, null, 0, 0, 0, lastVerified, repairs);
        }
        try {
            return new WebhookState(p[0].equals("1"), shownAddress, p[4].isEmpty() ? null : p[4], instant(p[1]), 0, 0, 0,
                    instant(p[2]), Long.parseLong(p[3]));
        } catch (RuntimeException e) {
            return new WebhookState(false, shownAddress, null, null, 0, 0, 0, lastVerified, repairs);
        }
    }

    private static String millis(Instant i) {
        return i == null ? "" : Long.toString(i.toEpochMilli());
    }

    private static Instant instant(String millis) {
        return millis.isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(millis));
    }

    /**
     * Verifies the subscription now (and sets it again where it was changed), on the leader, waiting up to
     * {@code timeout} for the attempt. A node that does not lead answers at once: the leader keeps the
     * subscription, and the state shown is the one it shared.
     */
    Verification verifyNow(Duration timeout) {
        Fence.Term t = leadership.term();
        if (t == null || !t.valid()) {
            Leadership.LeaderInfo leader = leadership.leader();
            return new Verification(Verification.Outcome.NOT_LEADER, state(), "the leader"
                    + (leader == null ? " (none right now)" : ", node " + leader.node() + ",")
                    + " keeps and verifies the subscription; this is what it last shared");
        }
        Instant asked = clock.instant().minusMillis(1);
        long repairsBefore = repairs;
        worker.wake();
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean answered = false;
        while (!answered && System.nanoTime() < deadline) {
            Instant last = state.lastAttempt();
            answered = last != null && last.isAfter(asked);
            if (!answered) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        WebhookState s = state();
        if (!answered) {
            return new Verification(Verification.Outcome.TIMED_OUT, s, "Wazzup did not answer within "
                    + timeout.toSeconds() + " s; the subscription is verified again in the background");
        }
        if (s.problem() != null) {
            return new Verification(Verification.Outcome.FAILED, s, s.problem());
        }
        return new Verification(Verification.Outcome.VERIFIED, s, "verified at Wazzup just now"
                + (s.repairs() > repairsBefore ? "; it had been changed behind the connector's back and was set again"
                        : ", as wanted"));
    }

    WebhookState state() {
        WebhookState s = state;
        String p = worker.problem();
        return p == null ? s : new WebhookState(s.subscribed(), s.address(), p, s.lastAttempt(), 0, 0);
    }

    @Override
    public void close() {
        unlisten.run();
        worker.stop();
        worker.join(Duration.ofSeconds(5));
    }
}
