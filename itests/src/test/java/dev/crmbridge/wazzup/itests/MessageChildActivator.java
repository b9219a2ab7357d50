package dev.crmbridge.wazzup.itests;

import dev.crmbridge.wazzup.api.WazzupConnector;
import dev.crmbridge.wazzup.api.message.Messages;
import dev.crmbridge.wazzup.api.message.OutgoingMessage;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The host CRM of {@link MessageKillIT}'s child framework: configures the connector for the emulator named by
 * framework properties (once; a restart keeps the configuration) and, when {@code wazzup.child.messages} is
 * above 0, queues that many messages through the {@link Messages} service, with ids {@code kill-<n>}, to
 * chats of their own, then prints {@code CHILD QUEUED}; with {@code wazzup.child.watch} it prints that message's
 * status as it changes.
 */
public final class MessageChildActivator implements BundleActivator {

    private ServiceTracker<ConfigurationAdmin, ConfigurationAdmin> tracker;

    @Override
    public void start(BundleContext context) throws Exception {
        tracker = ChildConfig.configureOnce(context, p -> {
            p.put(WazzupConnector.PROPERTY_SCHEME, "CONTACTS_ONLY");
            p.put("initialSync", false);
            p.put("messageRepeatWindowSeconds", Integer.parseInt(context.getProperty("wazzup.child.repeatWindow")));
        });
        int count = Integer.parseInt(context.getProperty("wazzup.child.messages"));
        if (count > 0) {
            new Thread(() -> queue(context, count), "child-host-messages").start();
        }
        String watch = context.getProperty("wazzup.child.watch");
        if (watch != null && !watch.isBlank()) {
            Thread t = new Thread(() -> watch(context, watch), "child-host-watch");
            t.setDaemon(true);
            t.start();
        }
    }

    /** Prints {@code CHILD STATE <id> <status>} whenever the message's status changes. */
    private static void watch(BundleContext context, String id) {
        ServiceTracker<Messages, Messages> messages = new ServiceTracker<>(context, Messages.class, null);
        messages.open();
        try {
            Messages m = messages.waitForService(60_000);
            String last = null;
            for (int i = 0; i < 1_200; i++) {
                String now = m.state(id).map(s -> s.status().name()).orElse("NONE");
                if (!now.equals(last)) {
                    System.out.println("CHILD STATE " + id + " " + now);
                    last = now;
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException | RuntimeException e) {
            Thread.currentThread().interrupt();
        } finally {
            messages.close();
        }
    }

    private static void queue(BundleContext context, int count) {
        ServiceTracker<Messages, Messages> messages = new ServiceTracker<>(context, Messages.class, null);
        messages.open();
        try {
            Messages m = messages.waitForService(60_000);
            for (int i = 0; i < count; i++) {
                m.send(OutgoingMessage.toChat("whatsapp", "7905" + String.format("%07d", i)).id("kill-" + i)
                        .text("Message " + i).build());
            }
            System.out.println("CHILD QUEUED " + count);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            messages.close();
        }
    }

    @Override
    public void stop(BundleContext context) {
        tracker.close();
    }
}
