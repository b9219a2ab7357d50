package dev.crmbridge.wazzup.api.sync;

/**
 * The kinds of entity the connector keeps in step, in the order it sends them: a contact needs its
 * responsible user, a deal its contacts.
 *
 * @since 1.0
 */
public enum EntityType {
    /** CRM users (Wazzup users). */
    USER("user"),
    /** Pipelines with their stages, sent as one set. */
    PIPELINE("pipeline"),
    /** Contacts with their chat handles. */
    CONTACT("contact"),
    /** Deals. */
    DEAL("deal");

    private final String segment;

    EntityType(String segment) {
        this.segment = segment;
    }

    /**
     * The entity segment of the host's event topics (see {@link dev.crmbridge.wazzup.api.event.CrmEvents}).
     *
     * @return {@code user}, {@code pipeline}, {@code contact} or {@code deal}
     */
    public String topicSegment() {
        return segment;
    }

    /**
     * The type of a topic segment.
     *
     * @param segment {@code user}, {@code pipeline}, {@code contact} or {@code deal}
     * @return the type, or {@code null} for another segment
     */
    public static EntityType ofTopicSegment(String segment) {
        for (EntityType t : values()) {
            if (t.segment.equals(segment)) {
                return t;
            }
        }
        return null;
    }
}
