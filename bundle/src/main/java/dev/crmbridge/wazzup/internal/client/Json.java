package dev.crmbridge.wazzup.internal.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The plugin's one Jackson configuration: lenient on input, as real Wazzup traffic varies (unknown
 * fields, {@code "true"} for booleans, numbers as strings), and compact on output. Only features
 * present in Jackson 2.13, the lowest version the bundle imports.
 */
public final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            // parser errors must not quote the input: it can hold a key or a customer's message
            .disable(com.fasterxml.jackson.core.StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
            .enable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private Json() {
    }

    /** The shared, thread-safe mapper. Do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** How deep an incoming JSON body may nest: Wazzup's bodies nest about five levels. */
    public static final int MAX_DEPTH = 64;

    /**
     * Whether {@code json} nests arrays and objects no deeper than {@code max}: a scan of the bytes
     * (strings and their escapes skipped) before any parser sees them, so that the limit holds with every
     * Jackson version the bundle imports (2.13 and 2.14 have none of their own).
     */
    public static boolean depthWithin(byte[] json, int max) {
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < json.length; i++) {
            byte b = json[i];
            if (inString) {
                if (b == '\\') {
                    i++;
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                inString = true;
            } else if (b == '{' || b == '[') {
                if (++depth > max) {
                    return false;
                }
            } else if (b == '}' || b == ']') {
                depth--;
            }
        }
        return true;
    }

    /** JSON bytes of a value the plugin built (cannot fail for our records and trees). */
    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
        }
    }
}
