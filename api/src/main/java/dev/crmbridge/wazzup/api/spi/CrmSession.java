package dev.crmbridge.wazzup.api.spi;

import java.util.Optional;
import javax.servlet.http.HttpServletRequest;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Who is signed in to the CRM, for the connector's pages and endpoints (chat buttons, the unanswered
 * counter, WAuth's confirmation). Register it as an OSGi service; without it those endpoints answer
 * 503 and nothing is shown to anyone.
 *
 * <p>The connector never trusts a user id sent by the browser: the user is always the one this
 * service finds in the request (its session cookie, a header the host's front proxy sets, …). Called
 * on HTTP threads; keep it quick (no remote call per request if it can be helped).
 *
 * <pre>{@code
 * @Component
 * public class MyCrmSession implements CrmSession {
 *     public Optional<SessionUser> user(HttpServletRequest request) {
 *         HttpSession s = request.getSession(false);
 *         Employee e = s == null ? null : (Employee) s.getAttribute("employee");
 *         return e == null ? Optional.empty() : Optional.of(new SessionUser(e.getId(), e.getName(), e.isAdmin()));
 *     }
 *     public boolean maySeeContact(SessionUser user, String contactId) { return acl.canRead(user.id(), "contact", contactId); }
 *     public boolean maySeeDeal(SessionUser user, String dealId) { return acl.canRead(user.id(), "deal", dealId); }
 * }
 * }</pre>
 *
 * @since 1.0
 */
@ConsumerType
public interface CrmSession {

    /**
     * The signed-in CRM user of a request.
     *
     * @param request the request to one of the connector's endpoints; not null
     * @return the user, or empty when nobody is signed in (the connector answers 401)
     */
    Optional<SessionUser> user(HttpServletRequest request);

    /**
     * Whether the user may see a contact's card, and so its chats.
     *
     * @param user a user {@link #user} returned
     * @param contactId the CRM id of the contact
     * @return {@code false} makes the connector answer 403
     */
    boolean maySeeContact(SessionUser user, String contactId);

    /**
     * Whether the user may see a deal's card, and so the chats of its contacts.
     *
     * @param user a user {@link #user} returned
     * @param dealId the CRM id of the deal
     * @return {@code false} makes the connector answer 403
     */
    boolean maySeeDeal(SessionUser user, String dealId);

    /**
     * Where to send a browser that must sign in first, to come back to {@code returnTo} afterwards (the
     * WAuth confirmation page when Wazzup's redirect finds nobody signed in). Without one the page asks
     * the user to sign in and open the link again.
     *
     * @param request the request that found nobody signed in
     * @param returnTo the path and query to return to, starting with {@code /}
     * @return the sign-in page's URL (absolute, or a path on this host), or empty
     * @since 1.0
     */
    default Optional<String> signInUrl(HttpServletRequest request, String returnTo) {
        return Optional.empty();
    }
}
