package dev.crmbridge.wazzup.internal.wauth;

import dev.crmbridge.wazzup.api.spi.CrmSession;
import dev.crmbridge.wazzup.internal.web.Whiteboard;
import java.time.Clock;
import java.util.function.Supplier;

/** Connecting by button (WAuth, §9): the confirmation page of a configured connector. */
public final class WAuth implements AutoCloseable {

    /** What confirming needs from the connector. */
    public interface Connector {
        /** {@code POST /v3/connect/}: the account's API key. */
        String connect(String state, String crmKey);

        /** Stores the key and the crmKey in the configuration. */
        void store(String apiKey, String crmKey) throws java.io.IOException;
    }

    private final Whiteboard.Registration registration;

    /**
     * @param enabled whether a crmCode and a secret are configured; without them the page says so
     */
    public WAuth(Whiteboard whiteboard, String connectPath, String crmCode, boolean enabled, Supplier<CrmSession> session,
            Connector connector) {
        registration = whiteboard.register(new WAuthServlet(session, connector, crmCode, enabled, connectPath,
                Clock.systemUTC()), connectPath, "wazzup-connect");
    }

    @Override
    public void close() {
        registration.close();
    }
}
