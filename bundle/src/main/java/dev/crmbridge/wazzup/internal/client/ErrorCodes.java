package dev.crmbridge.wazzup.internal.client;

import java.util.Locale;

/** Wazzup's error codes are not consistently cased (§1.3): compare them with {@link #same}. */
public final class ErrorCodes {

    public static final String TOO_MANY_ENTITIES = "TOO_MANY_ENTITIES";
    public static final String REPEATED_CRM_MESSAGE_ID = "REPEATED_CRM_MESSAGE_ID";
    public static final String TEST_POST_NOT_PASSED = "testPostNotPassed";
    public static final String URI_NOT_VALID = "uriNotValid";
    /** Ours, not Wazzup's: an interactive call found the budget in use and did not wait. */
    public static final String BUSY = "BUSY";

    private ErrorCodes() {
    }

    /** Equal ignoring case and underscores: {@code repeatedCrmMessageId} is {@code REPEATED_CRM_MESSAGE_ID}. */
    public static boolean same(String a, String b) {
        return a != null && b != null && normal(a).equals(normal(b));
    }

    private static String normal(String code) {
        return code.replace("_", "").toLowerCase(Locale.ROOT);
    }
}
