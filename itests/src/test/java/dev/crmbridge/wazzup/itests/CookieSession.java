package dev.crmbridge.wazzup.itests;

import dev.crmbridge.wazzup.api.model.CrmContact;
import dev.crmbridge.wazzup.api.model.CrmDeal;
import dev.crmbridge.wazzup.api.spi.CrmSession;
import dev.crmbridge.wazzup.api.spi.SessionUser;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.servlet.http.Cookie;
import javax.servlet.http.HttpServletRequest;

/**
 * The browser host's sessions: signing in issues a random token in an HttpOnly cookie; u0 administers;
 * a manager sees their own contacts and deals, an administrator everything.
 */
final class CookieSession implements CrmSession {

    static final String COOKIE = "crm_session";

    private final ItDirectory crm;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    CookieSession(ItDirectory crm) {
        this.crm = crm;
    }

    /** Signs a user in; the token for the cookie. */
    String signIn(String userId) {
        byte[] b = new byte[24];
        random.nextBytes(b);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        tokens.put(token, userId);
        return token;
    }

    @Override
    public Optional<SessionUser> user(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return Optional.empty();
        }
        for (Cookie c : cookies) {
            if (COOKIE.equals(c.getName())) {
                String id = tokens.get(c.getValue());
                if (id != null && crm.users.containsKey(id)) {
                    return Optional.of(new SessionUser(id, crm.users.get(id).name(), id.equals("u0")));
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<String> signInUrl(HttpServletRequest request, String returnTo) {
        return Optional.of("/crm/login?next=" + java.net.URLEncoder.encode(returnTo, java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public boolean maySeeContact(SessionUser user, String contactId) {
        CrmContact c = crm.contacts.get(contactId);
        return user.administrator() || c != null && user.id().equals(c.responsibleUserId());
    }

    @Override
    public boolean maySeeDeal(SessionUser user, String dealId) {
        CrmDeal d = crm.deals.get(dealId);
        return user.administrator() || d != null && user.id().equals(d.responsibleUserId());
    }
}
