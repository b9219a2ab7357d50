package dev.crmbridge.wazzup.internal.store;

import dev.crmbridge.wazzup.api.sync.EntityType;

/**
 * One pending change: the latest operation on one entity. {@code seq} grows with every change, so
 * that completing a row that changed meanwhile leaves the newer change in place.
 */
public record OutboxRow(EntityType type, String id, Op op, long seq, long dueAt, int attempts, long createdAt) {

    /** What the CRM did last to the entity. */
    public enum Op {
        SAVE('S'), DELETE('D');

        final char code;

        Op(char code) {
            this.code = code;
        }

        static Op of(String code) {
            return code.charAt(0) == 'D' ? DELETE : SAVE;
        }
    }
}
