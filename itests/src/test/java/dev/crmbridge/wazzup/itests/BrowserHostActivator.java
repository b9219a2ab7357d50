package dev.crmbridge.wazzup.itests;

import dev.crmbridge.wazzup.api.WazzupConnector;
import dev.crmbridge.wazzup.api.model.ChatHandle;
import dev.crmbridge.wazzup.api.model.CrmContact;
import dev.crmbridge.wazzup.api.model.CrmDeal;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.spi.CrmEntityFactory;
import dev.crmbridge.wazzup.api.spi.CrmSession;
import dev.crmbridge.wazzup.api.spi.NewContactRequest;
import dev.crmbridge.wazzup.api.spi.NewDealRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import javax.servlet.Servlet;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The host CRM of the browser test ({@link BrowserIT}), in a child framework: a few users, contacts
 * and a deal, a cookie session, pages that show the connector's UI contributions by their service
 * properties alone ({@link BrowserHostPages}), and the connector configured for the emulator named by
 * {@code wazzup.child.emulator} with the key {@code wazzup.child.apiKey}.
 */
public final class BrowserHostActivator implements BundleActivator {

    static final String WEBHOOK_SECRET = "browser-host-webhook-secret-0123";

    private ServiceTracker<ConfigurationAdmin, ConfigurationAdmin> config;
    private BrowserHostPages pages;

    /** The CRM of the test: Manager 1 owns Anna (two messengers), Boris and a deal; Manager 2 owns Vera. */
    static ItDirectory directory(String base) {
        ItDirectory crm = ItDirectory.generated(3, 1, 0, 0);
        crm.contacts.put("c-anna", new CrmContact("c-anna", "u1", "Anna Petrova",
                List.of(ChatHandle.whatsapp("+7 901 111-22-33"), ChatHandle.telegramUsername("@anna_p")),
                base + "/crm/contacts/c-anna"));
        crm.contacts.put("c-boris", new CrmContact("c-boris", "u1", "Boris Ivanov",
                List.of(ChatHandle.whatsapp("+7 901 444-55-66")), base + "/crm/contacts/c-boris"));
        crm.contacts.put("c-vera", new CrmContact("c-vera", "u2", "Vera Smirnova",
                List.of(ChatHandle.whatsapp("+7 901 777-88-99")), base + "/crm/contacts/c-vera"));
        crm.deals.put("d-sofa", new CrmDeal("d-sofa", "u1", "Sofa for Anna", List.of("c-anna"), base + "/crm/deals/d-sofa",
                false));
        return crm;
    }

    /** This host as a bundle file, written to {@code jar}. */
    static String bundle(Path jar) throws IOException {
        return ChildFrameworks.hostBundle(jar, "dev.crmbridge.wazzup.itests.browserhost", BrowserHostActivator.class,
                "dev.crmbridge.wazzup.api,dev.crmbridge.wazzup.api.chat,dev.crmbridge.wazzup.api.model,"
                        + "dev.crmbridge.wazzup.api.spi,javax.servlet,"
                        + "javax.servlet.http,org.osgi.framework,org.osgi.service.cm,org.osgi.util.tracker",
                ItDirectory.class, ItFactory.class, CookieSession.class, BrowserHostPages.class);
    }

    @Override
    public void start(BundleContext context) throws Exception {
        ItDirectory crm = directory("http://127.0.0.1:" + context.getProperty("org.osgi.service.http.port"));
        String benchUsers = context.getProperty("wazzup.child.benchUsers");
        if (benchUsers != null) { // the live counter's benchmark: more managers, a client each (c-b<i>, 7906000000i)
            for (int i = 3; i < Integer.parseInt(benchUsers); i++) {
                crm.users.put("u" + i, new dev.crmbridge.wazzup.api.model.CrmUser("u" + i, "Manager " + i, null));
            }
            for (int i = 0; i < Integer.parseInt(benchUsers); i++) {
                crm.contacts.put("c-b" + i, new CrmContact("c-b" + i, "u" + i, "Client " + i,
                        List.of(ChatHandle.whatsapp("7906" + String.format("%07d", i))), "https://crm.example.com/c-b" + i));
            }
        }
        ItFactory created = new ItFactory(crm);
        CrmEntityFactory factory = new CrmEntityFactory() {
            @Override
            public CrmContact createContact(NewContactRequest request) {
                return created.createContact(request);
            }

            @Override
            public CrmDeal createDeal(NewDealRequest request) {
                CrmDeal d = created.createDeal(request);
                System.out.println("HOST DEAL " + d.id() + " " + d.responsibleUserId() + " " + d.contactIds());
                System.out.flush();
                return d;
            }
        };
        String badLink = context.getProperty("wazzup.child.badLink");
        if (badLink != null) { // the console's test: a contact whose link Wazzup cannot take, fixed on request
            CrmContact good = crm.contacts.get(badLink);
            crm.contacts.put(badLink, new CrmContact(good.id(), good.responsibleUserId(), good.name(), good.chats(),
                    good.uri() + "/" + "x".repeat(300)));
            Hashtable<String, Object> fix = new Hashtable<>();
            fix.put("osgi.http.whiteboard.servlet.pattern", "/host-test/fix");
            context.registerService(Servlet.class, new javax.servlet.http.HttpServlet() {
                private static final long serialVersionUID = 1L;

                @Override
                protected void doPost(javax.servlet.http.HttpServletRequest req, javax.servlet.http.HttpServletResponse resp) {
                    crm.contacts.put(badLink, good); // no event: the administrator retries
                    System.out.println("HOST FIXED " + badLink);
                    System.out.flush();
                    resp.setStatus(204);
                }
            }, fix);
        }
        CookieSession session = new CookieSession(crm);
        context.registerService(CrmDirectory.class, crm, null);
        context.registerService(CrmEntityFactory.class, factory, null);
        context.registerService(CrmSession.class, session, null);

        pages = new BrowserHostPages(context, crm, session);
        Hashtable<String, Object> servlet = new Hashtable<>();
        servlet.put("osgi.http.whiteboard.servlet.pattern", "/crm/*");
        servlet.put("osgi.http.whiteboard.servlet.name", "host-crm-pages");
        context.registerService(Servlet.class, pages, servlet);

        config = new ServiceTracker<>(context, ConfigurationAdmin.class, null) {
            @Override
            public ConfigurationAdmin addingService(ServiceReference<ConfigurationAdmin> ref) {
                ConfigurationAdmin admin = context.getService(ref);
                try {
                    Configuration c = admin.getConfiguration(WazzupConnector.PID, "?");
                    Hashtable<String, Object> p = new Hashtable<>();
                    if (context.getProperty("wazzup.child.apiKey") != null) {
                        p.put(WazzupConnector.PROPERTY_API_KEY, context.getProperty("wazzup.child.apiKey"));
                    }
                    if (context.getProperty("wazzup.child.crmCode") != null) { // connect by button instead
                        p.put("crmCode", context.getProperty("wazzup.child.crmCode"));
                        p.put("secret", context.getProperty("wazzup.child.wauthSecret"));
                    }
                    p.put(WazzupConnector.PROPERTY_API_BASE_URL, context.getProperty("wazzup.child.emulator"));
                    p.put("webhookSecret", WEBHOOK_SECRET);
                    p.put("publicBaseUrl", "http://127.0.0.1:" + context.getProperty("org.osgi.service.http.port"));
                    p.put("counterPollSeconds", Integer.valueOf(context.getProperty("wazzup.child.poll")));
                    if (context.getProperty("wazzup.child.stream") != null) {
                        p.put("counterStream", Boolean.valueOf(context.getProperty("wazzup.child.stream")));
                    }
                    p.put("chatDealEvents", Boolean.TRUE);
                    p.put("batchDelayMillis", 50);
                    c.update(p);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                return admin;
            }
        };
        config.open();
        // what the configuration holds, as yes/no only (the values are secrets)
        context.registerService(ConfigurationListener.class, (ConfigurationListener) e -> {
            if (WazzupConnector.PID.equals(e.getPid()) && e.getType() == ConfigurationEvent.CM_UPDATED) {
                ServiceReference<ConfigurationAdmin> ref = context.getServiceReference(ConfigurationAdmin.class);
                try {
                    Dictionary<String, Object> p = context.getService(ref).getConfiguration(e.getPid(), "?").getProperties();
                    System.out.println("HOST CONFIG apiKey=" + (p.get(WazzupConnector.PROPERTY_API_KEY) == null ? "unset" : "set")
                            + " crmKey=" + (p.get("crmKey") == null ? "unset" : "set"));
                    System.out.flush();
                } catch (IOException x) {
                    throw new IllegalStateException(x);
                } finally {
                    context.ungetService(ref);
                }
            }
        }, null);
    }

    @Override
    public void stop(BundleContext context) {
        config.close();
        pages.close();
    }
}
