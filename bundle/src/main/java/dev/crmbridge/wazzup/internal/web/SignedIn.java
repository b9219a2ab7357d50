package dev.crmbridge.wazzup.internal.web;

import dev.crmbridge.wazzup.api.spi.CrmSession;
import dev.crmbridge.wazzup.api.spi.SessionUser;
import java.util.Optional;
import java.util.function.Supplier;
import javax.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is signed in on a request, always from the host's {@link CrmSession} (never from the request's own
 * parameters), with the reasons it cannot be told.
 */
public final class SignedIn {

    private static final Logger LOG = LoggerFactory.getLogger(SignedIn.class);

    /** Why there is no user: no session service, the service failed, nobody signed in. */
    public enum Missing {
        NO_SESSION_SERVICE, SESSION_FAILED, NOBODY
    }

    /** The outcome: the session service and the user, or why there is none. */
    public record Outcome(CrmSession session, SessionUser user, Missing missing) {

        public boolean present() {
            return user != null;
        }
    }

    private SignedIn() {
    }

    /** Asks the host's session service who sent {@code req}. */
    public static Outcome of(Supplier<CrmSession> sessions, HttpServletRequest req, String who) {
        CrmSession s = sessions.get();
        if (s == null) {
            return new Outcome(null, null, Missing.NO_SESSION_SERVICE);
        }
        Optional<SessionUser> user;
        try {
            user = s.user(req);
        } catch (RuntimeException e) {
            LOG.warn("Wazzup {}: the CRM's session service failed", who, e);
            return new Outcome(s, null, Missing.SESSION_FAILED);
        }
        if (user == null || user.isEmpty()) {
            return new Outcome(s, null, Missing.NOBODY);
        }
        return new Outcome(s, user.get(), null);
    }
}
