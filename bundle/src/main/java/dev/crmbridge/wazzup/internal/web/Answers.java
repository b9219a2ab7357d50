package dev.crmbridge.wazzup.internal.web;

import dev.crmbridge.wazzup.internal.client.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/** How the connector's servlets answer: JSON bodies, HTML pages, and refusals that keep the connection usable. */
public final class Answers {

    public static final String JSON = "application/json";

    private Answers() {
    }

    /** A JSON answer (never cached, never sniffed). */
    public static void json(HttpServletResponse resp, int status, Object body) throws IOException {
        json(resp, status, Json.bytes(body));
    }

    /** A JSON answer already serialised (an answer given very often, made once). */
    public static void json(HttpServletResponse resp, int status, byte[] bytes) throws IOException {
        resp.setStatus(status);
        resp.setContentType(JSON);
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }

    /** {@code {"error": code, field: text}}: the webhook servlet says {@code description}, the chat one {@code message}. */
    public static void error(HttpServletResponse resp, int status, String code, String field, String text) throws IOException {
        json(resp, status, Map.of("error", code, field, text));
    }

    /**
     * A page of the connector's own (WAuth): framed by no one, its address kept from other sites.
     * {@code title} is escaped; {@code body} is markup the caller escaped.
     */
    public static void page(HttpServletResponse resp, int status, String title, String body) throws IOException {
        resp.setStatus(status);
        resp.setContentType("text/html;charset=UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Frame-Options", "DENY");
        resp.setHeader("Referrer-Policy", "no-referrer");
        resp.getWriter().write("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + Html.escape(title)
                + "</title><style>body{font:15px/1.5 system-ui,sans-serif;background:#f5f6f8;color:#1d2330}"
                + "main{max-width:520px;margin:60px auto;background:#fff;border-radius:8px;padding:24px 28px}"
                + "button{padding:8px 18px;border-radius:6px;border:0;background:#1f8a70;color:#fff;font:inherit;"
                + "cursor:pointer}</style></head><body><main><h1 id=\"wazzup-connect-title\">" + Html.escape(title) + "</h1>"
                + body + "</main></body></html>");
    }

    /** A file of the bundle, cached a while by browsers; false when there is none. */
    public static boolean resource(HttpServletResponse resp, Class<?> near, String name, String type) throws IOException {
        try (InputStream in = near.getResourceAsStream(name)) {
            if (in == null) {
                return false;
            }
            byte[] bytes = in.readAllBytes();
            resp.setStatus(200);
            resp.setContentType(type);
            resp.setHeader("Cache-Control", "public, max-age=300");
            resp.setHeader("X-Content-Type-Options", "nosniff");
            resp.setContentLength(bytes.length);
            resp.getOutputStream().write(bytes);
            return true;
        }
    }

    /**
     * Reads the request body up to {@code max} bytes; null when it is longer or cannot be read (the rest
     * stays unread: answer with {@link #closeAfter}).
     */
    public static byte[] body(HttpServletRequest req, int max) {
        try (InputStream in = req.getInputStream()) {
            byte[] bytes = in.readNBytes(max + 1);
            return bytes.length > max ? null : bytes;
        } catch (IOException e) {
            return null;
        }
    }

    /** The answer ends the connection: part of the request body was left unread. */
    public static void closeAfter(HttpServletResponse resp) {
        resp.setHeader("Connection", "close");
    }

    /** What a refused request may leave unread and still keep its connection: the body already received, this small. */
    public static final int REFUSED_ALLOWANCE = 1024;

    /**
     * Before refusing a request (no secret, no session, another site): nothing is waited for. A small
     * body that has arrived already ({@value #REFUSED_ALLOWANCE} bytes at most, as the container's
     * {@code available()} tells without blocking) is dropped so that the connection serves the client's
     * next request; otherwise the answer says the connection ends with it and the container closes it
     * unread. A client that drips a body therefore never holds a thread of the host.
     */
    public static void refuse(HttpServletRequest req, HttpServletResponse resp) {
        long length = req.getContentLengthLong();
        boolean consumed = length == 0;
        if (length > 0 && length <= REFUSED_ALLOWANCE) {
            try {
                InputStream in = req.getInputStream();
                long total = 0;
                byte[] buf = new byte[REFUSED_ALLOWANCE];
                while (total < length && in.available() > 0) {
                    int n = in.read(buf, 0, (int) Math.min(buf.length, length - total));
                    if (n < 0) {
                        break;
                    }
                    total += n;
                }
                consumed = total == length;
            } catch (IOException e) {
                consumed = false;
            }
        }
        if (!consumed) {
            closeAfter(resp);
        }
    }

    /**
     * Whether a browser's {@code Origin}, when it sends one, is this server's own: its host and port are
     * the request's {@code Host} (or the front proxy's {@code X-Forwarded-Host}). A request without the
     * header (not a browser, or a same-origin GET) passes; {@code Origin: null} does not.
     */
    public static boolean sameOrigin(HttpServletRequest req) {
        String origin = req.getHeader("Origin");
        if (origin == null) {
            return true;
        }
        java.net.URI o;
        try {
            o = java.net.URI.create(origin.trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (o.getHost() == null || o.getScheme() == null) {
            return false;
        }
        String scheme = o.getScheme().toLowerCase(java.util.Locale.ROOT);
        int port = o.getPort() >= 0 ? o.getPort() : scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
        String originHost = o.getHost().startsWith("[") ? o.getHost().substring(1, o.getHost().length() - 1) : o.getHost();
        // the host as the browser addressed it: a front proxy's headers, the Host header, or the server's own name
        java.util.List<String> hosts = new java.util.ArrayList<>();
        String forwarded = req.getHeader("X-Forwarded-Host");
        if (forwarded != null && !forwarded.isBlank()) {
            hosts.add(forwarded.split(",")[0].trim());
        }
        String rfc7239 = req.getHeader("Forwarded");
        if (rfc7239 != null) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)(?:^|[;,\\s])host=\"?([^\";,\\s]+)").matcher(rfc7239);
            if (m.find()) {
                hosts.add(m.group(1));
            }
        }
        if (req.getHeader("Host") != null) {
            hosts.add(req.getHeader("Host"));
        }
        if (req.getServerName() != null) {
            hosts.add(req.getServerName() + ":" + req.getServerPort());
        }
        for (String host : hosts) {
            if (matches(host.trim(), originHost, port)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(String host, String originHost, int port) {
        if (host.isBlank()) {
            return false;
        }
        String hostName = host;
        int hostPort = port;
        int colon = host.lastIndexOf(':');
        if (colon > 0 && host.indexOf(']') < colon) {
            hostName = host.substring(0, colon);
            try {
                hostPort = Integer.parseInt(host.substring(colon + 1));
            } catch (NumberFormatException e) {
                return false;
            }
        }
        if (hostName.startsWith("[") && hostName.endsWith("]")) {
            hostName = hostName.substring(1, hostName.length() - 1);
        }
        return originHost.equalsIgnoreCase(hostName) && port == hostPort;
    }

    /**
     * Before refusing a request whose body was not (fully) read: the rest, up to {@code allowance} bytes,
     * is read and dropped so that the connection can serve the client's next request (as Tomcat's
     * "swallow" does); a longer one is not read and the answer says the connection ends with it (Jetty
     * closes such a connection, and a client that reused it would lose its next request).
     */
    public static void swallow(HttpServletRequest req, HttpServletResponse resp, long allowance) {
        long length = req.getContentLengthLong();
        boolean consumed = false;
        if (length <= allowance) {
            try {
                InputStream in = req.getInputStream();
                byte[] buf = new byte[8192];
                long total = 0;
                for (int n; total <= allowance && (n = in.read(buf)) >= 0; ) {
                    total += n;
                }
                consumed = total <= allowance;
            } catch (IOException e) {
                consumed = false;
            }
        }
        if (!consumed) {
            closeAfter(resp);
        }
    }
}
