package dev.crmbridge.wazzup.itests;

import dev.crmbridge.wazzup.api.spi.CrmSession;
import dev.crmbridge.wazzup.api.spi.SessionUser;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.servlet.http.HttpServletRequest;

/**
 * A host's session for tests: the signed-in user is named by the {@value #HEADER} header (as a front
 * proxy might set it); users are read from an {@link ItDirectory}; entities in {@link #hidden} may be
 * seen by nobody.
 */
public final class ItSession implements CrmSession {

    public static final String HEADER = "X-It-User";

    final ItDirectory crm;
    final Set<String> hidden = ConcurrentHashMap.newKeySet();

    public ItSession(ItDirectory crm) {
        this.crm = crm;
    }

    @Override
    public Optional<SessionUser> user(HttpServletRequest request) {
        String id = request.getHeader(HEADER);
        if (id == null || !crm.users.containsKey(id)) {
            return Optional.empty();
        }
        return Optional.of(new SessionUser(id, crm.users.get(id).name(), id.equals("u0")));
    }

    @Override
    public boolean maySeeContact(SessionUser user, String contactId) {
        return !hidden.contains(contactId);
    }

    @Override
    public boolean maySeeDeal(SessionUser user, String dealId) {
        return !hidden.contains(dealId);
    }
}
