package dev.crmbridge.wazzup.demo;

import dev.crmbridge.wazzup.api.spi.CrmSession;
import dev.crmbridge.wazzup.api.spi.SessionUser;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.servlet.http.Cookie;
import javax.servlet.http.HttpServletRequest;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Who is signed in to the demo CRM: a random token in an HttpOnly cookie. The administrator sees
 * everything; a manager sees their own contacts and deals. (A demo: signing in needs no password.)
 */
@Component(service = {CrmSession.class, DemoSession.class})
public final class DemoSession implements CrmSession {

    static final String COOKIE = "demo_crm_session";

    private final DemoStore store;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    @Activate
    public DemoSession(@Reference DemoStore store) {
        this.store = store;
    }

    String signIn(String userId) {
        byte[] b = new byte[24];
        random.nextBytes(b);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        tokens.put(token, userId);
        return token;
    }

    void signOut(HttpServletRequest request) {
        token(request).ifPresent(tokens::remove);
    }

    @Override
    public Optional<SessionUser> user(HttpServletRequest request) {
        return token(request).map(tokens::get).flatMap(store::user)
                .map(u -> new SessionUser(u.id(), u.name(), u.admin()));
    }

    /** WAuth's confirmation page sends a browser without a session here, and back after signing in. */
    @Override
    public Optional<String> signInUrl(HttpServletRequest request, String returnTo) {
        return Optional.of("/login?next=" + java.net.URLEncoder.encode(returnTo, java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public boolean maySeeContact(SessionUser user, String contactId) {
        return user.administrator() || store.contact(contactId).map(c -> c.responsibleUserId().equals(user.id())).orElse(false);
    }

    @Override
    public boolean maySeeDeal(SessionUser user, String dealId) {
        return user.administrator() || store.deal(dealId).map(d -> d.responsibleUserId().equals(user.id())).orElse(false);
    }

    private static Optional<String> token(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie c : cookies) {
                if (COOKIE.equals(c.getName())) {
                    return Optional.of(c.getValue());
                }
            }
        }
        return Optional.empty();
    }
}
