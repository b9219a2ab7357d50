package dev.crmbridge.wazzup.emulator;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.UUID;

/** Random identifiers in Wazzup's formats. */
final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    /** 32 lower-case hex characters, like Wazzup's API keys and request ids. */
    static String hex32() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static String uuid() {
        return UUID.randomUUID().toString();
    }

    /** A UUID derived from the text: the same text gives the same id on every run. */
    static String stableUuid(String text) {
        return UUID.nameUUIDFromBytes(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
    }

    /** A URL-safe random token of 128 bits. */
    static String token() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
