package dev.crmbridge.wazzup.internal.util;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 as hex, and keys bounded to a column's length. */
public final class Digests {

    private Digests() {
    }

    /** The first {@code bytes} bytes of the SHA-256 of {@code data}, as {@code 2 * bytes} hex digits. */
    public static String sha256Hex(byte[] data, int bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data), 0, bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every Java platform has SHA-256
        }
    }

    /** The whole SHA-256 of the UTF-8 of {@code text}, 64 hex digits. */
    public static String sha256Hex(String text) {
        return sha256Hex(text.getBytes(StandardCharsets.UTF_8), 32);
    }

    /** The first {@code bytes} bytes of the SHA-256 of the UTF-8 of {@code text}, as hex. */
    public static String sha256Hex(String text, int bytes) {
        return sha256Hex(text.getBytes(StandardCharsets.UTF_8), bytes);
    }

    /**
     * {@code key} itself when it fits in {@code max} characters, otherwise a prefix of it followed by
     * {@code "~"} and a digest of the whole: still unique, and stable, so that writes and lookups
     * agree. Used for every key column a host or Wazzup can fill.
     */
    public static String bounded(String key, int max) {
        if (key == null || key.length() <= max) {
            return key;
        }
        String digest = sha256Hex(key, 16);
        return key.substring(0, Math.max(0, max - digest.length() - 1)) + "~" + digest;
    }
}
