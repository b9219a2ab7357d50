package dev.crmbridge.wazzup.internal.ops;

import dev.crmbridge.wazzup.api.chat.UnansweredCounters;
import dev.crmbridge.wazzup.api.sync.EntityStatus;
import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.api.sync.SyncStatus;
import dev.crmbridge.wazzup.internal.util.Metrics;
import java.lang.management.ManagementFactory;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link ConnectorMXBean} over the connector's status and counts, registered in the platform MBean server. */
public final class ConnectorMBean implements ConnectorMXBean, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectorMBean.class);
    /** The connector's name in JMX. */
    public static final String NAME = "dev.crmbridge.wazzup:type=Connector";

    private final SyncStatus status;
    private final UnansweredCounters counters;
    private final Metrics metrics;
    private ObjectName registered;

    private final String jmxName;

    public ConnectorMBean(SyncStatus status, UnansweredCounters counters, Metrics metrics) {
        this(status, counters, metrics, NAME);
    }

    /** A bean under {@code jmxName} (another account's: {@code …,account=<name>}). */
    public ConnectorMBean(SyncStatus status, UnansweredCounters counters, Metrics metrics, String jmxName) {
        this.jmxName = jmxName;
        this.status = status;
        this.counters = counters;
        this.metrics = metrics;
    }

    /** Registers this bean; a name taken already (another connector in this JVM) is logged and skipped. */
    public ConnectorMBean register() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName(jmxName);
            server.registerMBean(new StandardMBean(this, ConnectorMXBean.class, true), name);
            registered = name;
        } catch (InstanceAlreadyExistsException e) {
            LOG.warn("Wazzup connector: {} is registered in JMX already (another connector in this JVM); this one is"
                    + " not", jmxName);
        } catch (JMException | RuntimeException e) {
            LOG.warn("Wazzup connector: could not register {} in JMX ({})", jmxName, e.toString());
        }
        return this;
    }

    @Override
    public void close() {
        if (registered != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(registered);
            } catch (InstanceNotFoundException gone) {
                // unregistered already
            } catch (JMException e) {
                LOG.debug("Wazzup connector: could not unregister {} ({})", jmxName, e.toString());
            }
            registered = null;
        }
    }

    private EntityStatus of(EntityType type) {
        EntityStatus s = status.entities().get(type);
        return s != null ? s : new EntityStatus(type, 0, 0, 0, null, null, null);
    }

    @Override
    public boolean isRunning() {
        return status.running();
    }

    @Override
    public boolean isLeader() {
        String node = status.cluster().node();
        return node != null && node.equals(status.cluster().leader());
    }

    @Override
    public boolean isInitialSyncComplete() {
        return status.initialSyncComplete();
    }

    @Override
    public String getProblem() {
        String p = status.problem();
        return p == null ? "" : p;
    }

    @Override
    public long getUsersPending() {
        return of(EntityType.USER).pending();
    }

    @Override
    public long getUsersSynced() {
        return of(EntityType.USER).synced();
    }

    @Override
    public long getUsersDeadLetters() {
        return of(EntityType.USER).deadLetters();
    }

    @Override
    public long getContactsPending() {
        return of(EntityType.CONTACT).pending();
    }

    @Override
    public long getContactsSynced() {
        return of(EntityType.CONTACT).synced();
    }

    @Override
    public long getContactsDeadLetters() {
        return of(EntityType.CONTACT).deadLetters();
    }

    @Override
    public long getDealsPending() {
        return of(EntityType.DEAL).pending();
    }

    @Override
    public long getDealsSynced() {
        return of(EntityType.DEAL).synced();
    }

    @Override
    public long getDealsDeadLetters() {
        return of(EntityType.DEAL).deadLetters();
    }

    @Override
    public long getPipelinesPending() {
        return of(EntityType.PIPELINE).pending();
    }

    @Override
    public long getPipelinesSynced() {
        return of(EntityType.PIPELINE).synced();
    }

    @Override
    public long getPipelinesDeadLetters() {
        return of(EntityType.PIPELINE).deadLetters();
    }

    @Override
    public long getRequests() {
        return metrics.requests.total();
    }

    @Override
    public long getRequestsLastMinute() {
        return metrics.requests.lastMinute();
    }

    @Override
    public long getTooManyRequests() {
        return metrics.tooMany.total();
    }

    @Override
    public long getTooManyRequestsLastMinute() {
        return metrics.tooMany.lastMinute();
    }

    @Override
    public long getWebhooksReceived() {
        return metrics.webhooksReceived.total();
    }

    @Override
    public long getWebhooksReceivedLastMinute() {
        return metrics.webhooksReceived.lastMinute();
    }

    @Override
    public long getWebhooksRefused() {
        return metrics.webhooksRefused.total();
    }

    @Override
    public long getWebhooksStored() {
        return status.webhooks().stored();
    }

    @Override
    public long getWebhooksPending() {
        return status.webhooks().pending();
    }

    @Override
    public long getCounterFetches() {
        return metrics.counterFetches.total();
    }

    @Override
    public long getCounterFetchesLastMinute() {
        return metrics.counterFetches.lastMinute();
    }

    @Override
    public long getCounterStreams() {
        return counters.streams().streams();
    }
}
