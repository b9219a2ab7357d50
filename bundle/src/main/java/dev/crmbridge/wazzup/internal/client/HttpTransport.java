package dev.crmbridge.wazzup.internal.client;

import java.io.Closeable;
import java.io.IOException;

/**
 * The one seam between the client and the network: production uses {@link ApacheHttpTransport};
 * tests script it. Implementations are thread-safe.
 */
public interface HttpTransport extends Closeable {

    /**
     * Sends one request and reads the whole answer.
     *
     * @throws IOException when no HTTP answer was received (connection refused, timeout, reset);
     *     the request may or may not have reached the server
     */
    TransportResponse send(TransportRequest request) throws IOException;

    @Override
    void close();
}
