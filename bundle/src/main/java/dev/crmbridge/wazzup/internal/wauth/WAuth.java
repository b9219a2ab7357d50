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

        /** Stores the key and the crmKey in the configuration; the connection they replace is kept a day. */
        void store(String apiKey, String crmKey) throws java.io.IOException;

        /** Whether an account is connected now (an API key is configured). */
        default boolean connected() {
            return false;
        }

        /** The channels of the account of {@code apiKey}, in words for the page ({@code GET /v3/channels}). */
        default java.util.List<String> channels(String apiKey) {
            return java.util.List.of();
        }

        /** Restores the connection the last one replaced (within a day); false when there is none. */
        default boolean undo() throws java.io.IOException {
            return false;
        }
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
