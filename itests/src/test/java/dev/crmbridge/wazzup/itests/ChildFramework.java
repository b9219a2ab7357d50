package dev.crmbridge.wazzup.itests;

import java.io.File;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * A minimal OSGi launcher for tests that need the framework in its own process (to kill it):
 * {@code ChildFramework <storage dir> <key=value>... -- <bundle file>...}. The framework keeps its
 * storage between runs, so a second start resumes the installed bundles, their data areas and the
 * configurations. Prints {@code CHILD READY} when every bundle is started.
 */
public final class ChildFramework {

    private ChildFramework() {
    }

    public static void main(String[] args) throws Exception {
        File storage = new File(args[0]);
        Map<String, String> props = new HashMap<>();
        List<String> bundles = new ArrayList<>();
        boolean files = false;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--")) {
                files = true;
            } else if (files) {
                bundles.add(args[i]);
            } else {
                int eq = args[i].indexOf('=');
                props.put(args[i].substring(0, eq), args[i].substring(eq + 1));
            }
        }
        props.put(Constants.FRAMEWORK_STORAGE, storage.getAbsolutePath());
        props.put(Constants.FRAMEWORK_STORAGE_CLEAN, "none");
        Framework framework = ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(props);
        framework.start();
        BundleContext context = framework.getBundleContext();
        List<Bundle> installed = new ArrayList<>();
        for (String file : bundles) {
            installed.add(context.installBundle(new File(file).toURI().toString()));
        }
        for (Bundle b : installed) {
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                b.start();
            }
        }
        System.out.println("CHILD READY");
        framework.waitForStop(0);
    }
}
