package dev.crmbridge.wazzup.api.message;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The account's channels with their states, kept fresh by Wazzup's {@code channelsUpdates} webhooks
 * (and read anew now and then). A channel in trouble (a QR code to scan, no money, blocked) is also named
 * by {@code SyncStatus.problem()}, and each change of state is posted as a
 * {@code dev/crmbridge/wazzup/channel/STATE_CHANGED} event.
 *
 * @since 1.0
 */
@ProviderType
public interface Channels {

    /** The channels as last known; empty before Wazzup was first asked. */
    List<Channel> list();

    /** The channels that cannot send now, with their problems. */
    default List<Channel> problems() {
        return list().stream().filter(c -> c.problem() != null).toList();
    }
}
