package dev.crmbridge.wazzup.internal.client;

/** A stage of a sales funnel (§5). */
public record WzStage(String id, String name) {
}
