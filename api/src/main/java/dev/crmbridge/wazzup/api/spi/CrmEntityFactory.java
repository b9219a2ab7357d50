package dev.crmbridge.wazzup.api.spi;

import dev.crmbridge.wazzup.api.model.CrmContact;
import dev.crmbridge.wazzup.api.model.CrmDeal;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Creates contacts and deals when Wazzup asks: for a new client who wrote (or was answered), and when
 * a manager clicks "+" in the chat window's Deals dropdown. Register it as an OSGi service; without it
 * the connector answers such requests with 503 and Wazzup shows no deal.
 *
 * <p>Called on the webhook's HTTP thread while Wazzup waits (at most 30 s): create the entity,
 * commit, and return it. The connector records the request before it calls, answers Wazzup with the
 * returned entity and records it as synced. A repeated request (Wazzup retried) is answered with the
 * entity created first, without calling the factory again. Only when the connector could not record
 * what was made (it was stopped or killed, or its store failed, after this call returned) does it call
 * again, with the same {@link NewContactRequest#requestKey() requestKey}: a factory that keeps the key
 * with the entity returns the entity it made then, and the CRM holds it once.
 *
 * <p>Throwing makes the connector answer 500 and record nothing: the host must then not keep a
 * half-made entity (roll back).
 *
 * @since 1.0
 */
@ConsumerType
public interface CrmEntityFactory {

    /**
     * Creates a contact.
     *
     * @param request what Wazzup asks for; not null
     * @return the created contact, with the chat handle(s) of the request; not null
     * @throws RuntimeException to refuse; nothing is recorded and Wazzup gets 500
     */
    CrmContact createContact(NewContactRequest request);

    /**
     * Creates a deal. Not called under {@link dev.crmbridge.wazzup.api.IntegrationScheme#CONTACTS_ONLY}.
     *
     * @param request what Wazzup asks for; not null
     * @return the created deal, with the request's contacts; not null
     * @throws RuntimeException to refuse; nothing is recorded and Wazzup gets 500
     */
    CrmDeal createDeal(NewDealRequest request);
}
