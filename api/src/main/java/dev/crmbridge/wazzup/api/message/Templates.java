package dev.crmbridge.wazzup.api.message;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The account's WhatsApp Business templates, read page by page from Wazzup and kept for a few minutes;
 * a {@code templateStatus} webhook refreshes them.
 *
 * @since 1.0
 */
@ProviderType
public interface Templates {

    /**
     * The templates; asks Wazzup when what is kept is older than a few minutes.
     *
     * @throws MessageException when Wazzup cannot be asked and nothing is kept
     */
    List<Template> list();
}
