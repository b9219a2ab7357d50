package dev.crmbridge.wazzup.internal.client;

/**
 * A connected channel (§10.1). {@code transport} and {@code state} are open sets, kept as sent;
 * {@code name} appears only in live answers.
 */
public record WzChannel(String channelId, String transport, String plainId, String state, String name) {

    /** Only an active channel can send. */
    public boolean active() {
        return "active".equalsIgnoreCase(state);
    }
}
