package dev.crmbridge.wazzup.internal.config;

import dev.crmbridge.wazzup.internal.ops.OpsServices;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/** The bundle's activator: the secrets plugin for Configuration Admin, and the operations services. */
public final class Activator implements BundleActivator {

    private final SecretsPlugin secrets = new SecretsPlugin();
    private OpsServices ops;

    @Override
    public void start(BundleContext context) {
        secrets.start(context);
        ops = new OpsServices(context);
    }

    @Override
    public void stop(BundleContext context) {
        if (ops != null) {
            ops.close();
        }
        secrets.stop(context);
    }
}
