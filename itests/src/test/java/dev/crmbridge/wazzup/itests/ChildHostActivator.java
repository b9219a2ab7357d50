package dev.crmbridge.wazzup.itests;

import dev.crmbridge.wazzup.api.WazzupConnector;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The host CRM of {@link KillRecoveryIT}'s child framework: registers a generated directory of
 * {@code wazzup.child.contacts} contacts, configures the connector for the emulator named by
 * framework properties (once; a restart keeps the configuration), and, when
 * {@code wazzup.child.events} is true, reports every contact as saved with synchronous events and
 * prints {@code CHILD RECORDED} once the connector says none of them waits to be stored.
 */
public final class ChildHostActivator implements BundleActivator {

    private ServiceTracker<ConfigurationAdmin, ConfigurationAdmin> tracker;

    @Override
    public void start(BundleContext context) throws Exception {
        int contacts = Integer.parseInt(context.getProperty("wazzup.child.contacts"));
        context.registerService(CrmDirectory.class, ItDirectory.generated(1, 0, contacts, 0), null);
        tracker = ChildConfig.configureOnce(context, p -> {
            p.put(WazzupConnector.PROPERTY_SCHEME, "CONTACTS_ONLY");
            p.put("retryMaxDelaySeconds", 5);
            p.put("initialSync", false);
        });
        if (Boolean.parseBoolean(context.getProperty("wazzup.child.events"))) {
            new Thread(() -> report(context, contacts), "child-host-events").start();
        }
    }

    /** Reports all contacts as saved, 1,000 per event, once the connector handles events. */
    private static void report(BundleContext context, int contacts) {
        ServiceTracker<org.osgi.service.event.EventAdmin, org.osgi.service.event.EventAdmin> events =
                new ServiceTracker<>(context, org.osgi.service.event.EventAdmin.class, null);
        events.open();
        try {
            org.osgi.service.event.EventAdmin admin = events.waitForService(60_000);
            // the connector's handler is there once its SyncStatus is
            ServiceTracker<dev.crmbridge.wazzup.api.sync.SyncStatus, ?> status =
                    new ServiceTracker<>(context, dev.crmbridge.wazzup.api.sync.SyncStatus.class, null);
            status.open();
            status.waitForService(60_000);
            for (int from = 0; from < contacts; from += 1_000) {
                java.util.List<String> ids = new java.util.ArrayList<>();
                for (int i = from; i < Math.min(contacts, from + 1_000); i++) {
                    ids.add(String.format("c%06d", i));
                }
                // synchronous: recorded durably when it returns
                admin.sendEvent(dev.crmbridge.wazzup.api.event.CrmEvents.savedAll(
                        dev.crmbridge.wazzup.api.event.CrmEvents.ENTITY_CONTACT, ids));
            }
            System.out.println("CHILD REPORTED " + contacts);
            // the handler hands changes over at once; they are in the store once none waits
            dev.crmbridge.wazzup.api.sync.SyncStatus sync = (dev.crmbridge.wazzup.api.sync.SyncStatus) status.getService();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (sync.unstoredChanges() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            System.out.println("CHILD RECORDED " + contacts + " (" + sync.unstoredChanges() + " not stored)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            events.close();
        }
    }

    @Override
    public void stop(BundleContext context) {
        tracker.close();
    }
}
