package dev.crmbridge.wazzup.internal.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crmbridge.wazzup.api.IntegrationScheme;
import dev.crmbridge.wazzup.api.sync.WebhookState;
import dev.crmbridge.wazzup.emulator.Account;
import dev.crmbridge.wazzup.emulator.WazzupEmulator;
import dev.crmbridge.wazzup.internal.client.RateLimiters;
import dev.crmbridge.wazzup.internal.client.RetryPolicy;
import dev.crmbridge.wazzup.internal.client.TimeSource;
import dev.crmbridge.wazzup.internal.client.WazzupClient;
import dev.crmbridge.wazzup.internal.client.WebhookSettings;
import dev.crmbridge.wazzup.internal.store.Fence;
import dev.crmbridge.wazzup.internal.store.StoreHandle;
import dev.crmbridge.wazzup.internal.sync.Payloads;
import dev.crmbridge.wazzup.internal.sync.PhoneRules;
import dev.crmbridge.wazzup.internal.web.JettyWhiteboard;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook subscription heals itself: an account has one webhook address (§8.1), and when another
 * system re-points it or turns subscriptions off, the next check sets it again and counts a repair.
 */
class SubscriptionTest {

    private static final String PATH = "/wazzup/webhook";
    private static final String SECRET = "hook-secret-subscription-test";

    @TempDir
    Path dir;

    private final JettyWhiteboard whiteboard = new JettyWhiteboard();
    private WazzupEmulator wazzup;
    private WazzupClient client;
    private StoreHandle storage;
    private Webhooks webhooks;

    @AfterEach
    void stop() {
        if (webhooks != null) {
            webhooks.close();
        }
        if (client != null) {
            client.close();
        }
        if (wazzup != null) {
            wazzup.close();
        }
        if (storage != null) {
            storage.close();
        }
        whiteboard.close();
    }

    @Test
    void aSubscriptionChangedBehindTheConnectorsBackIsSetAgainAndCounted() {
        wazzup = WazzupEmulator.builder().start();
        Account account = wazzup.createAccount("acc");
        client = WazzupClient.builder().baseUrl(wazzup.baseUrl()).apiKey(account.apiKey())
                .rateLimiters(new RateLimiters(TimeSource.SYSTEM))
                .retryPolicy(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(50))).build();
        // another system's webhook receiver on the same host
        whiteboard.register(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setStatus(200);
            }
        }, "/elsewhere/*", "another system");
        storage = StoreHandle.embedded(dir.toFile(), "default");
        webhooks = new Webhooks(new Webhooks.Config(PATH, SECRET, null, 1 << 20, whiteboard.base(), null, null,
                IntegrationScheme.CLIENT_MANAGEMENT, Duration.ofMillis(300)),
                new Webhooks.Host(() -> null, () -> null, () -> new org.osgi.service.event.EventAdmin() {
                    @Override
                    public void postEvent(org.osgi.service.event.Event event) {
                    }

                    @Override
                    public void sendEvent(org.osgi.service.event.Event event) {
                    }
                }, whiteboard), storage.store(), storage.writer(),
                Fence.NONE, client, new Payloads(PhoneRules.NONE), Clock.systemUTC(), List.of());
        webhooks.start();

        await().atMost(Duration.ofSeconds(15)).until(() -> webhooks.state().lastVerified() != null);
        WebhookState first = webhooks.state();
        assertThat(first.subscribed()).isTrue();
        assertThat(first.repairs()).isZero();
        String ours = account.webhooks().uri();
        assertThat(ours).endsWith(PATH + "/" + SECRET);

        // another system re-points the account's one address to itself
        client.webhooks().set(new WebhookSettings(whiteboard.base() + "/elsewhere/hook", true, false, false, false));
        await().atMost(Duration.ofSeconds(15)).until(() -> webhooks.state().repairs() == 1);
        assertThat(account.webhooks().uri()).isEqualTo(ours);
        assertThat(account.webhooks().contactsAndDealsCreation()).isTrue();

        // ... and later only turns subscriptions off
        client.webhooks().set(new WebhookSettings(ours, false, false, false, false));
        await().atMost(Duration.ofSeconds(15)).until(() -> webhooks.state().repairs() == 2);
        assertThat(account.webhooks().messagesAndStatuses()).isTrue();
        assertThat(webhooks.state().problem()).isNull();
        assertThat(webhooks.state().lastVerified()).isAfterOrEqualTo(first.lastVerified());
    }

    /** A node of a cluster: it leads or it does not, for good. */
    private static dev.crmbridge.wazzup.internal.cluster.Leadership node(String name, boolean leads) {
        dev.crmbridge.wazzup.internal.cluster.Leadership solo = dev.crmbridge.wazzup.internal.cluster.Leadership.solo(name);
        return new dev.crmbridge.wazzup.internal.cluster.Leadership() {
            @Override
            public Fence.Term term() {
                return leads ? solo.term() : null;
            }

            @Override
            public boolean clustered() {
                return true;
            }

            @Override
            public String node() {
                return name;
            }

            @Override
            public boolean member() {
                return true;
            }

            @Override
            public Duration lease() {
                return Duration.ofSeconds(6);
            }

            @Override
            public LeaderInfo leader() {
                return null;
            }

            @Override
            public Runnable onChange(Runnable r) {
                return () -> { };
            }
        };
    }

    @Test
    void aNodeThatDoesNotLeadShowsTheSubscriptionTheLeaderKeeps() {
        wazzup = WazzupEmulator.builder().start();
        Account account = wazzup.createAccount("acc");
        client = WazzupClient.builder().baseUrl(wazzup.baseUrl()).apiKey(account.apiKey())
                .rateLimiters(new RateLimiters(TimeSource.SYSTEM))
                .retryPolicy(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(50))).build();
        whiteboard.register(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doPost(HttpServletRequest req, HttpServletResponse resp) {
                resp.setStatus(200); // the connector's webhook address answers Wazzup's test POST
            }
        }, PATH + "/*", "the webhook servlet");
        storage = StoreHandle.embedded(dir.toFile(), "default"); // one store, as a cluster shares its database
        String address = whiteboard.base() + PATH + "/" + SECRET;
        WebhookSettings wanted = new WebhookSettings(address, true, true, true, true);
        Subscriber follower = new Subscriber(client, wanted, whiteboard.base() + PATH + "/…", Clock.systemUTC(), Fence.NONE,
                Duration.ofMillis(300), node("node-b", false), storage.store().meta());
        Subscriber leader = new Subscriber(client, wanted, whiteboard.base() + PATH + "/…", Clock.systemUTC(), Fence.NONE,
                Duration.ofMillis(300), node("node-a", true), storage.store().meta());
        try {
            follower.start();
            assertThat(follower.state().subscribed()).as("nothing known yet").isFalse();
            leader.start();
            await().atMost(Duration.ofSeconds(15)).until(() -> follower.state().subscribed()
                    && follower.state().lastVerified() != null);
            assertThat(account.webhooks().uri()).isEqualTo(address);
            assertThat(follower.state().problem()).isNull();
            assertThat(follower.state().address()).doesNotContain(SECRET);
        } finally {
            leader.close();
            follower.close();
        }
    }
}
