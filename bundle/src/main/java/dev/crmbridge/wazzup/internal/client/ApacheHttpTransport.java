package dev.crmbridge.wazzup.internal.client;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The production transport: HttpClient 5 (embedded privately) with a pooled connection manager whose
 * connections log no header and no byte ({@link QuietConnection}): the key must not reach the host's
 * logs at any level.
 */
public final class ApacheHttpTransport implements HttpTransport {

    /** Upper bound of simultaneous connections to the API; the rate limiter is the real throttle. */
    static final int MAX_CONNECTIONS = 20;

    private final CloseableHttpClient client;
    /** Cancels the exchanges of interactive calls at their deadlines. */
    private final ScheduledThreadPoolExecutor deadlines = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "wazzup-http-deadlines");
        t.setDaemon(true);
        return t;
    });

    {
        deadlines.setRemoveOnCancelPolicy(true); // an answered call's deadline leaves the queue at once
    }

    public ApacheHttpTransport(Duration connectTimeout, Duration responseTimeout) {
        PoolingHttpClientConnectionManager pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setConnectionFactory(QuietConnection.FACTORY) // headers and bytes never reach a log
                .setMaxConnTotal(MAX_CONNECTIONS)
                .setMaxConnPerRoute(MAX_CONNECTIONS)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(connectTimeout))
                        .setSocketTimeout(Timeout.of(responseTimeout))
                        .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                        .build())
                .build();
        this.client = HttpClients.custom()
                .setConnectionManager(pool)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(Timeout.of(responseTimeout))
                        .build())
                // retries are the client's business (one class owns them), never the transport's
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .setUserAgent("crmbridge-wazzup-osgi")
                .evictIdleConnections(TimeValue.ofSeconds(30))
                .build();
    }

    @Override
    public TransportResponse send(TransportRequest request) throws IOException {
        HttpUriRequestBase http = new HttpUriRequestBase(request.method(), request.uri());
        request.headers().forEach(http::setHeader);
        if (request.body() != null) {
            http.setEntity(new ByteArrayEntity(request.body(), ContentType.APPLICATION_JSON));
        }
        if (request.timeout() == null) {
            return client.execute(http, ApacheHttpTransport::read);
        }
        // an interactive call: the whole exchange ends by its deadline, however slowly Wazzup drips
        Timeout limit = Timeout.of(request.timeout());
        http.setConfig(RequestConfig.custom().setResponseTimeout(limit).setConnectionRequestTimeout(limit).build());
        ScheduledFuture<?> abandon = deadlines.schedule(http::cancel, request.timeout().toNanos(), TimeUnit.NANOSECONDS);
        try {
            return client.execute(http, ApacheHttpTransport::read);
        } catch (IOException e) {
            if (http.isCancelled()) {
                throw new SocketTimeoutException("no whole answer within " + request.timeout().toMillis() + " ms");
            }
            throw e;
        } finally {
            abandon.cancel(false);
        }
    }



    private static TransportResponse read(ClassicHttpResponse response) throws IOException {
        Map<String, String> headers = new HashMap<>();
        for (Header h : response.getHeaders()) {
            headers.put(h.getName().toLowerCase(Locale.ROOT), h.getValue());
        }
        byte[] body = response.getEntity() == null ? new byte[0] : EntityUtils.toByteArray(response.getEntity());
        return new TransportResponse(response.getCode(), headers, body);
    }

    @Override
    public void close() {
        // immediate: a request in flight fails at once instead of holding a stopping bundle
        client.close(CloseMode.IMMEDIATE);
        deadlines.shutdownNow();
    }
}
