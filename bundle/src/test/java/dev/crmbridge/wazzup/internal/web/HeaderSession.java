package dev.crmbridge.wazzup.internal.web;

import dev.crmbridge.wazzup.api.spi.CrmSession;
import dev.crmbridge.wazzup.api.spi.SessionUser;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import javax.servlet.http.HttpServletRequest;

/**
 * A host's {@link CrmSession} for tests: the signed-in user is the one named by the request header
 * {@value #HEADER} (as a front proxy would set it), among the users the test {@link #add added};
 * ids in {@link #hidden} may not be seen; {@link #failing} makes every lookup throw; {@link #signIn}
 * gives the sign-in URL for a {@code returnTo} (none by default).
 */
public final class HeaderSession implements CrmSession {

    public static final String HEADER = "X-Test-User";

    public final Map<String, SessionUser> users = new ConcurrentHashMap<>();
    public final Set<String> hidden = ConcurrentHashMap.newKeySet();
    /** The {@code returnTo} of every sign-in URL asked for. */
    public final List<String> returnTos = new CopyOnWriteArrayList<>();
    public volatile boolean failing;
    public volatile Function<String, String> signIn;

    public HeaderSession add(String id, String name, boolean administrator) {
        users.put(id, new SessionUser(id, name, administrator));
        return this;
    }

    @Override
    public Optional<SessionUser> user(HttpServletRequest request) {
        if (failing) {
            throw new IllegalStateException("the test's session service fails");
        }
        String id = request.getHeader(HEADER);
        return id == null ? Optional.empty() : Optional.ofNullable(users.get(id));
    }

    @Override
    public boolean maySeeContact(SessionUser user, String contactId) {
        return !hidden.contains(contactId);
    }

    @Override
    public boolean maySeeDeal(SessionUser user, String dealId) {
        return !hidden.contains(dealId);
    }

    @Override
    public Optional<String> signInUrl(HttpServletRequest request, String returnTo) {
        Function<String, String> f = signIn;
        if (f == null) {
            return Optional.empty();
        }
        returnTos.add(returnTo);
        return Optional.ofNullable(f.apply(returnTo));
    }
}
