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
