package dev.crmbridge.wazzup.itests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Server-Sent Events client on a plain socket, as a browser's {@code EventSource} holds one: it sends the
 * request, reads the status and headers, then (with {@link #listen()}) reads events on a thread of its
 * own, chunked or not. {@link #close()} drops the connection at once, as a closed tab does.
 */
final class SseClient implements AutoCloseable {

    final String user;
    private final Socket socket;
    private final InputStream in;
    final int status;
    final String contentType;
    /** The {@code data} of every {@code counter} event, in order. */
    final List<String> counters = new CopyOnWriteArrayList<>();
    private boolean chunked;
    private volatile boolean ended;

    /** Opens {@code path} on 127.0.0.1:{@code port} as {@code user} (no user: no session header). */
    SseClient(int port, String path, String user) throws IOException {
        this(port, path, user, user == null ? "" : ItSession.HEADER + ": " + user + "\r\n");
    }

    /** The same with the session in {@code headers} (each line ending in CRLF), e.g. a host's cookie. */
    SseClient(int port, String path, String user, String headers) throws IOException {
        this.user = user;
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(15_000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAccept: text/event-stream\r\n"
                + headers + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        in = socket.getInputStream();
        String statusLine = line();
        status = Integer.parseInt(statusLine.split(" ")[1]);
        String type = null;
        for (String h = line(); !h.isEmpty(); h = line()) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-type:")) {
                type = h.substring(13).strip();
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        contentType = type;
    }

    /** Reads events on a daemon thread until the stream ends or is closed. */
    SseClient listen() {
        Thread t = new Thread(this::read, "sse-" + user);
        t.setDaemon(true);
        t.start();
        return this;
    }

    /** The last counter's {@code count}, or -1 before any. */
    int count() {
        if (counters.isEmpty()) {
            return -1;
        }
        String json = counters.get(counters.size() - 1);
        int at = json.indexOf("\"count\":") + 8;
        int end = at;
        while (end < json.length() && Character.isDigit(json.charAt(end))) {
            end++;
        }
        return Integer.parseInt(json.substring(at, end));
    }

    boolean ended() {
        return ended;
    }

    private void read() {
        try {
            socket.setSoTimeout(0);
            StringBuilder event = new StringBuilder();
            while (true) {
                byte[] data;
                if (chunked) {
                    String size = line();
                    if (size.isEmpty()) {
                        size = line(); // the CRLF that ends the chunk before (servers send it with the next one)
                    }
                    int n = Integer.parseInt(size.split(";")[0].strip(), 16);
                    if (n == 0) {
                        break;
                    }
                    data = in.readNBytes(n);
                } else {
                    data = new byte[1024];
                    int n = in.read(data);
                    if (n < 0) {
                        break;
                    }
                    data = java.util.Arrays.copyOf(data, n);
                }
                event.append(new String(data, StandardCharsets.UTF_8));
                int end;
                while ((end = event.indexOf("\n\n")) >= 0) {
                    String e = event.substring(0, end);
                    event.delete(0, end + 2);
                    String name = null;
                    String payload = null;
                    for (String l : e.split("\n")) {
                        if (l.startsWith("event:")) {
                            name = l.substring(6).strip();
                        } else if (l.startsWith("data:")) {
                            payload = l.substring(5).strip();
                        }
                    }
                    if ("counter".equals(name) && payload != null) {
                        counters.add(payload);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // closed
        } finally {
            ended = true;
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        if (c < 0 && b.size() == 0) {
            throw new IOException("the stream ended");
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    /** Closes the connection as a closed tab does (an orderly close). */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // gone already
        }
    }

    /** Drops the connection with a reset, as a killed browser or a lost network does. */
    void reset() {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException e) {
            // gone already
        }
    }
}
