package dev.crmbridge.wazzup.api.event;

import java.util.Collection;
import java.util.Map;
import org.osgi.service.event.Event;

/**
 * The events a host CRM posts when its entities change, so that the connector brings Wazzup in step.
 * Topic: {@code dev/crmbridge/wazzup/crm/<entity>/SAVED} or {@code …/DELETED}, where
 * {@code <entity>} is {@code user}, {@code contact}, {@code deal} or {@code pipeline}. Property
 * {@link #PROPERTY_ID} names one entity, or {@link #PROPERTY_IDS} several (a {@code String[]} or a
 * {@code Collection<String>}).
 *
 * <p>Post them with {@code EventAdmin.postEvent} after the change is committed in the CRM. The
 * connector only records the id and returns; it reads the entity's current state from the
 * {@link dev.crmbridge.wazzup.api.spi.CrmDirectory} later, so one event per change, many events per
 * entity, or one event for a whole import are all fine. A change to a contact's chat handles, a
 * deal's contacts or a stage is a SAVED of the contact, deal or pipeline.
 *
 * <pre>{@code
 * eventAdmin.postEvent(CrmEvents.saved(CrmEvents.ENTITY_CONTACT, contact.getId()));
 * }</pre>
 *
 * @since 1.0
 */
public final class CrmEvents {

    /** The prefix of all topics the host posts: {@value}. */
    public static final String TOPIC_PREFIX = "dev/crmbridge/wazzup/crm/";

    /** A subscription to every host topic: {@value}. */
    public static final String TOPIC_ALL = TOPIC_PREFIX + "*";

    /** Entity segment of user topics: {@value}. */
    public static final String ENTITY_USER = "user";
    /** Entity segment of contact topics: {@value}. */
    public static final String ENTITY_CONTACT = "contact";
    /** Entity segment of deal topics: {@value}. */
    public static final String ENTITY_DEAL = "deal";
    /** Entity segment of pipeline topics (a change to a pipeline or its stages): {@value}. */
    public static final String ENTITY_PIPELINE = "pipeline";

    /** Verb of a create or update: {@value}. */
    public static final String SAVED = "SAVED";
    /** Verb of a delete: {@value}. */
    public static final String DELETED = "DELETED";

    /** A user was created or changed: {@value}. */
    public static final String TOPIC_USER_SAVED = TOPIC_PREFIX + ENTITY_USER + "/" + SAVED;
    /** A user was deleted: {@value}. */
    public static final String TOPIC_USER_DELETED = TOPIC_PREFIX + ENTITY_USER + "/" + DELETED;
    /** A contact was created or changed: {@value}. */
    public static final String TOPIC_CONTACT_SAVED = TOPIC_PREFIX + ENTITY_CONTACT + "/" + SAVED;
    /** A contact was deleted: {@value}. */
    public static final String TOPIC_CONTACT_DELETED = TOPIC_PREFIX + ENTITY_CONTACT + "/" + DELETED;
    /** A deal was created or changed: {@value}. */
    public static final String TOPIC_DEAL_SAVED = TOPIC_PREFIX + ENTITY_DEAL + "/" + SAVED;
    /** A deal was deleted: {@value}. */
    public static final String TOPIC_DEAL_DELETED = TOPIC_PREFIX + ENTITY_DEAL + "/" + DELETED;
    /** A pipeline or its stages changed: {@value}. */
    public static final String TOPIC_PIPELINE_SAVED = TOPIC_PREFIX + ENTITY_PIPELINE + "/" + SAVED;
    /** A pipeline was deleted: {@value}. */
    public static final String TOPIC_PIPELINE_DELETED = TOPIC_PREFIX + ENTITY_PIPELINE + "/" + DELETED;

    /** Event property: the CRM id of the one entity the event is about ({@code String}). */
    public static final String PROPERTY_ID = "id";

    /** Event property: the CRM ids of several entities ({@code String[]} or {@code Collection<String>}). */
    public static final String PROPERTY_IDS = "ids";

    private CrmEvents() {
        // constants and factories only
    }

    /**
     * The event for a saved entity.
     *
     * @param entity one of the {@code ENTITY_*} constants
     * @param id the entity's CRM id
     * @return the event to post
     */
    public static Event saved(String entity, String id) {
        return new Event(TOPIC_PREFIX + entity + "/" + SAVED, Map.of(PROPERTY_ID, id));
    }

    /**
     * The event for a deleted entity.
     *
     * @param entity one of the {@code ENTITY_*} constants
     * @param id the entity's CRM id
     * @return the event to post
     */
    public static Event deleted(String entity, String id) {
        return new Event(TOPIC_PREFIX + entity + "/" + DELETED, Map.of(PROPERTY_ID, id));
    }

    /**
     * One event for many saved entities (an import, a bulk edit).
     *
     * @param entity one of the {@code ENTITY_*} constants
     * @param ids the entities' CRM ids
     * @return the event to post
     */
    public static Event savedAll(String entity, Collection<String> ids) {
        return new Event(TOPIC_PREFIX + entity + "/" + SAVED, Map.of(PROPERTY_IDS, ids.toArray(new String[0])));
    }

    /**
     * One event for many deleted entities.
     *
     * @param entity one of the {@code ENTITY_*} constants
     * @param ids the entities' CRM ids
     * @return the event to post
     */
    public static Event deletedAll(String entity, Collection<String> ids) {
        return new Event(TOPIC_PREFIX + entity + "/" + DELETED, Map.of(PROPERTY_IDS, ids.toArray(new String[0])));
    }
}
