package dev.crmbridge.wazzup.internal.sync;

import java.util.Collection;

/**
 * The reference's lengths (§2–§5) that the connector cannot fix by itself: ids at most 100 characters
 * and links ({@code uri}) at most 200. A value over one makes the entity a dead letter
 * ({@value #CODE}) naming the field and the limit, so that no batch goes out that Wazzup would reject.
 * Names over their limit are cut instead (Payloads): a name cut short is still the right entity.
 */
final class Limits {

    static final String CODE = "FIELD_TOO_LONG";
    static final int ID = 100;
    static final int URI = 200;

    /** A host value over a limit of Wazzup's. */
    static final class TooLong extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String field;

        TooLong(String field, int limit, int length) {
            super("its " + field + " has " + length + " characters; Wazzup takes at most " + limit
                    + ", so it is not sent until the CRM shortens it");
            this.field = field;
        }

        String field() {
            return field;
        }
    }

    private Limits() {
    }

    static void id(String field, String value) {
        if (value != null && value.length() > ID) {
            throw new TooLong(field, ID, value.length());
        }
    }

    static void ids(String field, Collection<String> values) {
        for (String v : values) {
            id(field, v);
        }
    }

    static void uri(String field, String value) {
        if (value != null && !value.isBlank() && value.length() > URI) {
            throw new TooLong(field, URI, value.length());
        }
    }
}
