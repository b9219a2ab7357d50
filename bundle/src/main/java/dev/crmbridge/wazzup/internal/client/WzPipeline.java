package dev.crmbridge.wazzup.internal.client;

import java.util.List;

/**
 * A sales funnel (§5). {@code stages} is null when the funnel has none: Wazzup rejects
 * {@code "stages": []}, so an empty list is sent as an absent field.
 */
public record WzPipeline(String id, String name, List<WzStage> stages) {

    public WzPipeline {
        stages = stages == null || stages.isEmpty() ? null : List.copyOf(stages);
    }
}
