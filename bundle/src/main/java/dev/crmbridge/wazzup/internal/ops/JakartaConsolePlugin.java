package dev.crmbridge.wazzup.internal.ops;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The {@link ConsolePage} as a Felix Web Console 5 plugin (Jakarta Servlet): GET renders inside the console's
 * frame; an action's POST comes here directly, and a done one is answered with a redirect to the page (303).
 */
public final class JakartaConsolePlugin extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient ConsolePage page;

    public JakartaConsolePlugin(ConsolePage page) {
        this.page = page;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String user = req.getRemoteUser();
        resp.setContentType("text/html;charset=UTF-8");
        resp.getWriter().write(page.render(user));
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String user = req.getRemoteUser();
        ConsolePage.Outcome o = page.act(user, req.getParameter(ConsolePage.TOKEN_FIELD), req.getHeader("Origin"),
                req.getHeader("Host"), req.getParameter("action"), req.getParameter("id"));
        if (o.done()) { // the page shows the outcome once
            resp.setStatus(303);
            resp.setHeader("Location", req.getRequestURI());
            return;
        }
        resp.setStatus(o.status());
        resp.setContentType("text/plain;charset=UTF-8");
        resp.getWriter().write(o.message());
    }
}
