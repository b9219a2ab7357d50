package dev.crmbridge.wazzup.internal.client;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocket;
import org.apache.hc.client5.http.impl.io.DefaultManagedHttpClientConnection;
import org.apache.hc.client5.http.io.ManagedHttpClientConnection;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.impl.io.SocketHolder;
import org.apache.hc.core5.http.io.HttpConnectionFactory;

/**
 * An HttpClient 5 connection that never writes headers or bytes to a log. HttpClient logs every
 * header ({@code org.apache.hc.client5.http.headers}) and every byte ({@code …http.wire}) at DEBUG
 * through the host's SLF4J, which is where the API key (the {@code Authorization} header) and the
 * answer of {@code POST /v3/connect/} would land as soon as a host turns DEBUG on. The embedded
 * HttpClient is ours, so its connections are too: these skip the logging socket holder and the
 * header hooks; everything else is HttpClient's own.
 */
final class QuietConnection extends DefaultManagedHttpClientConnection {

    private static final AtomicLong COUNTER = new AtomicLong();

    /** Makes these connections for the pool. */
    static final HttpConnectionFactory<ManagedHttpClientConnection> FACTORY = new HttpConnectionFactory<>() {
        @Override
        public ManagedHttpClientConnection createConnection(Socket socket) throws IOException {
            QuietConnection c = new QuietConnection();
            if (socket != null) {
                c.bind(socket);
            }
            return c;
        }

        @Override
        public ManagedHttpClientConnection createConnection(SSLSocket sslSocket, Socket socket) throws IOException {
            QuietConnection c = new QuietConnection();
            if (sslSocket != null) {
                c.bind(sslSocket, socket);
            }
            return c;
        }
    };

    private QuietConnection() {
        super("wazzup-" + COUNTER.incrementAndGet());
    }

    @Override
    public void bind(Socket socket) throws IOException {
        bind(new SocketHolder(socket));
    }

    @Override
    public void bind(SSLSocket sslSocket, Socket socket) throws IOException {
        bind(new SocketHolder(sslSocket, socket));
    }

    @Override
    protected void onRequestSubmitted(ClassicHttpRequest request) {
        // no header log
    }

    @Override
    protected void onResponseReceived(ClassicHttpResponse response) {
        // no header log
    }
}
