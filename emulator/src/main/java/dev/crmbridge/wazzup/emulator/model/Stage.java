package dev.crmbridge.wazzup.emulator.model;

/** A stage of a sales funnel (§5). */
public record Stage(String id, String name) {
}
