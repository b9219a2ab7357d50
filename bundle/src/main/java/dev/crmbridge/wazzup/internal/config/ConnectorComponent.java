package dev.crmbridge.wazzup.internal.config;

import dev.crmbridge.wazzup.api.WazzupConnector;
import dev.crmbridge.wazzup.api.chat.ChatWindows;
import dev.crmbridge.wazzup.api.chat.UnansweredCounters;
import dev.crmbridge.wazzup.api.event.CrmEvents;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.spi.CrmEntityFactory;
import dev.crmbridge.wazzup.api.spi.CrmSession;
import dev.crmbridge.wazzup.api.sync.SyncStatus;
import java.util.Map;
import javax.sql.DataSource;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The connector's configuration under {@value WazzupConnector#PID}, as a DS component: it holds the host's
 * services (the references, whose {@code .target} properties a configuration may set) and runs one
 * {@link Account} with them, which records the host's change events ({@value CrmEvents#TOPIC_ALL}) and
 * publishes {@link SyncStatus}, {@link ChatWindows} and {@link UnansweredCounters}. Without a configuration
 * nothing runs.
 */
@Component(
        name = WazzupConnector.PID,
        configurationPid = WazzupConnector.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true,
        // no DS-registered service: DS would publish every configuration property (the API key and the
        // secrets among them) as service properties, and EventAdmin would reach the handler through
        // SCR's service factory, whose lock a configuration change holds. See register().
        service = {})
@Designate(ocd = ConnectorConfiguration.class)
public final class ConnectorComponent {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, bind = "bindDirectory", unbind = "unbindDirectory")
    private volatile CrmDirectory directory;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile CrmEntityFactory factory;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile CrmSession session;

    private final Account account;

    @Activate
    public ConnectorComponent(BundleContext context, ConnectorConfiguration config, Map<String, Object> properties,
            @Reference(name = "dataSource", cardinality = ReferenceCardinality.OPTIONAL,
                    policyOption = ReferencePolicyOption.GREEDY) DataSource hostDataSource,
            @Reference ConfigurationAdmin configAdmin) {
        this.account = new Account(AccountId.DEFAULT, context, config, properties, hostDataSource, configAdmin, () -> directory,
                () -> factory, () -> eventAdmin, () -> session);
    }

    @Modified
    void modified(ConnectorConfiguration config, Map<String, Object> properties) {
        account.modified(config, properties);
    }

    void bindDirectory(CrmDirectory d) {
        this.directory = d;
        Account a = account; // null while SCR binds before the constructor's account exists
        if (a != null) {
            a.directoryBound();
        }
    }

    void unbindDirectory(CrmDirectory d) {
        if (this.directory == d) {
            this.directory = null;
        }
    }

    @Deactivate
    void deactivate() {
        account.close();
    }
}
