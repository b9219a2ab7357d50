package dev.crmbridge.wazzup.api.chat;

import java.net.URI;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Wazzup's chat window for a CRM user, for hosts that render pages on the server (the chat button's
 * web component uses the connector's HTTP endpoint instead). Registered by the connector while it is
 * configured. The URL is fresh for each call and meant for that user only: put it in an
 * {@code <iframe allow="microphone *; clipboard-write *">} (or open it in a new tab), do not store it.
 *
 * <p>The host decides who the user is and whether they may see the card; the connector does not ask
 * {@link dev.crmbridge.wazzup.api.spi.CrmSession} here.
 *
 * @since 1.0
 */
@ProviderType
public interface ChatWindows {

    /**
     * All chats the user may see (scope {@code global}).
     *
     * @param userId the CRM id of the user, synced to Wazzup
     * @return the chat window URL
     * @throws ChatWindowException when no window can be opened, with the reason
     */
    URI global(String userId);

    /**
     * The chats of one contact (scope {@code card}): its chat handles, the first one opened.
     *
     * @param userId the CRM id of the user opening it
     * @param contactId the CRM id of the contact
     * @return the chat window URL
     * @throws ChatWindowException when no window can be opened, e.g. {@link ChatWindowException.Reason#NO_CHAT}
     */
    URI contact(String userId, String contactId);

    /**
     * The chats of one deal (scope {@code card}): the chat handles of all its contacts.
     *
     * @param userId the CRM id of the user opening it
     * @param dealId the CRM id of the deal
     * @return the chat window URL
     * @throws ChatWindowException when no window can be opened, e.g. {@link ChatWindowException.Reason#NO_CHAT}
     */
    URI deal(String userId, String dealId);
}
