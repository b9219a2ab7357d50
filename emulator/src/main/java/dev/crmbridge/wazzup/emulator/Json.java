package dev.crmbridge.wazzup.emulator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** JSON helpers of the emulator. */
final class Json {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            // Instants as ISO-8601 text without the jsr310 module: the emulator also runs on the
            // plugin's oldest supported Jackson (2.13) in the bundle's tests
            .addModule(new com.fasterxml.jackson.databind.module.SimpleModule()
                    .addSerializer(Instant.class, com.fasterxml.jackson.databind.ser.std.ToStringSerializer.instance))
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    /** Wazzup's timestamp format: ISO-8601 with milliseconds and Z (§1.8). */
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Json() {
    }

    static JsonNode parse(byte[] body) throws IOException {
        return MAPPER.readTree(body);
    }

    static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String iso(Instant instant) {
        return instant == null ? null : ISO_MILLIS.format(instant);
    }
}
