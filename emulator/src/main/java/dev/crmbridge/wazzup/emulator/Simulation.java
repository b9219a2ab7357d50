package dev.crmbridge.wazzup.emulator;

import dev.crmbridge.wazzup.emulator.model.Delivery;
import java.util.List;

/**
 * What a simulated event caused: the message it created (null when none) and the webhook deliveries
 * made, in order.
 */
public record Simulation(String messageId, List<Delivery> deliveries) {

    public Simulation {
        deliveries = List.copyOf(deliveries);
    }

    /** The deliveries of one kind, e.g. {@code "createContact"}. */
    public List<Delivery> deliveries(String kind) {
        return deliveries.stream().filter(d -> d.kind().equals(kind)).toList();
    }
}
