package dev.crmbridge.wazzup.internal.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 connection, byte for byte: for what a pooled client hides (whether a connection stays
 * usable after a refusal, the {@code Connection} header, the server closing). Requests go one after
 * another on the same socket; the answers are read in full.
 */
public final class RawHttp implements AutoCloseable {

    /** An answer: status, headers (names in lower case, the last value of each) and the body. */
    public record Response(int status, Map<String, String> headers, byte[] body) {

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** A header's value, or null. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** Whether the answer says the connection ends with it. */
        public boolean closesConnection() {
            String c = header("Connection");
            return c != null && c.toLowerCase(Locale.ROOT).contains("close");
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String host;

    /** Connects to the server of {@code base} (e.g. {@link JettyWhiteboard#base()}). */
    public RawHttp(URI base) {
        try {
            socket = new Socket();
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
            socket.setSoTimeout(30_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
            host = base.getHost() + ":" + base.getPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a request with {@code Content-Length} (no body: null) and reads its answer. */
    public Response send(String method, String pathAndQuery, Map<String, String> headers, byte[] body) {
        StringBuilder head = start(method, pathAndQuery, headers);
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        try {
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return read();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends a request that announces {@code declaredLength} bytes of body but sends only {@code part} of
     * it (a slow or hostile sender), then waits up to {@code timeoutMillis} for an answer.
     *
     * @throws UncheckedIOException with a {@link SocketTimeoutException} when none came in time
     */
    public Response sendPartial(String method, String pathAndQuery, Map<String, String> headers, long declaredLength,
            byte[] part, int timeoutMillis) {
        StringBuilder head = start(method, pathAndQuery, headers).append("Content-Length: ").append(declaredLength)
                .append("\r\n\r\n");
        try {
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(part);
            out.flush();
            socket.setSoTimeout(timeoutMillis);
            return read();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a request whose body goes chunked (no length told) and reads its answer. */
    public Response sendChunked(String method, String pathAndQuery, Map<String, String> headers, byte[] body, int chunk) {
        StringBuilder head = start(method, pathAndQuery, headers).append("Transfer-Encoding: chunked\r\n\r\n");
        try {
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            for (int i = 0; i < body.length; i += chunk) {
                int n = Math.min(chunk, body.length - i);
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(body, i, n);
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return read();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Whether the server ended the connection after its last answer (end of stream or a reset before
     * {@code timeoutMillis}); false when the connection is still open or the server sent more.
     */
    public boolean closedByServer(int timeoutMillis) {
        try {
            socket.setSoTimeout(timeoutMillis);
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    private StringBuilder start(String method, String pathAndQuery, Map<String, String> headers) {
        StringBuilder b = new StringBuilder(method).append(' ').append(pathAndQuery).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append("\r\n");
        headers.forEach((k, v) -> b.append(k).append(": ").append(v).append("\r\n"));
        return b;
    }

    private Response read() throws IOException {
        String status = line();
        if (status == null) {
            throw new IOException("the server closed the connection without an answer");
        }
        String[] parts = status.split(" ", 3);
        int code = Integer.parseInt(parts[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l; (l = line()) != null && !l.isEmpty(); ) {
            int colon = l.indexOf(':');
            headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
        }
        byte[] body;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int n; (n = Integer.parseInt(line().split(";")[0].trim(), 16)) > 0; ) {
                b.write(in.readNBytes(n));
                line();
            }
            for (String l; (l = line()) != null && !l.isEmpty(); ) {
                // trailers
            }
            body = b.toByteArray();
        } else if (headers.containsKey("content-length")) {
            int n = Integer.parseInt(headers.get("content-length"));
            body = in.readNBytes(n);
            if (body.length < n) {
                throw new IOException("the answer's body ended after " + body.length + " of " + n + " bytes");
            }
        } else if (code == 204 || code == 304 || code / 100 == 1) {
            body = new byte[0];
        } else {
            body = in.readAllBytes(); // until the server closes
        }
        return new Response(code, headers, body);
    }

    /** A line without its CRLF; null at the end of the stream. */
    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; ; ) {
            c = in.read();
            if (c < 0) {
                return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
            }
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
