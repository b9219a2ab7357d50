package dev.crmbridge.wazzup.emulator.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A connected messenger channel (§10.1). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Channel(String channelId, String transport, String plainId, String state, String name) {

    /** This channel in another state. */
    public Channel withState(String newState) {
        return new Channel(channelId, transport, plainId, newState, name);
    }

    /** Whether the channel may send messages. */
    public boolean active() {
        return "active".equals(state);
    }
}
