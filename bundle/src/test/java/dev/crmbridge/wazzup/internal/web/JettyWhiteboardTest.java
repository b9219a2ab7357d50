package dev.crmbridge.wazzup.internal.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Hashtable;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The test whiteboard maps as the HTTP Whiteboard does, and forgets what is closed. */
class JettyWhiteboardTest {

    private final JettyWhiteboard whiteboard = new JettyWhiteboard();
    private final TestHttp http = new TestHttp();

    @AfterEach
    void stop() {
        http.close();
        whiteboard.close();
    }

    /** Answers {@code <tag> <servletPath> <pathInfo>}. */
    private static HttpServlet echo(String tag) {
        return new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().write(tag + " " + req.getServletPath() + " " + req.getPathInfo());
            }
        };
    }

    private String get(String path) {
        var r = http.get(whiteboard.uri(path));
        return r.statusCode() + " " + (r.statusCode() == 200 ? r.body() : "");
    }

    @Test
    void prefixAndExactPatternsGiveTheWhiteboardsServletPathAndPathInfo() {
        whiteboard.register(echo("hook"), "/wazzup/webhook/*", "hook");
        whiteboard.register(echo("connect"), "/wazzup/connect", "connect");
        whiteboard.register(echo("deep"), "/wazzup/webhook/deep/*", "deep");

        assertThat(get("/wazzup/webhook/abc")).isEqualTo("200 hook /wazzup/webhook /abc");
        assertThat(get("/wazzup/webhook/a/b?x=1")).isEqualTo("200 hook /wazzup/webhook /a/b");
        assertThat(get("/wazzup/webhook")).isEqualTo("200 hook /wazzup/webhook null");
        assertThat(get("/wazzup/webhook/deep/x")).isEqualTo("200 deep /wazzup/webhook/deep /x");
        assertThat(get("/wazzup/connect?state=s")).isEqualTo("200 connect /wazzup/connect null");
        assertThat(get("/wazzup/connect/more")).isEqualTo("404 ");
        assertThat(get("/elsewhere")).isEqualTo("404 ");
    }

    @Test
    void aClosedRegistrationAnswers404AndAServletRegisteredLaterIsServed() {
        Whiteboard.Registration first = whiteboard.register(echo("one"), "/x/*", "one");
        assertThat(get("/x/1")).isEqualTo("200 one /x /1");

        first.close();
        assertThat(get("/x/1")).isEqualTo("404 ");

        whiteboard.register(echo("two"), "/x/*", "two");
        assertThat(get("/x/1")).isEqualTo("200 two /x /1");
    }

    @Test
    void publishedServicesAreListedUntilClosed() {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("slot", "a");
        Whiteboard.Registration r = whiteboard.publish(Runnable.class, () -> { }, props);
        assertThat(whiteboard.published(Runnable.class)).singleElement()
                .satisfies(p -> assertThat(p.properties()).containsEntry("slot", "a"));
        r.close();
        assertThat(whiteboard.published()).isEmpty();
    }
}
