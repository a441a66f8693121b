package io.pkgr.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.Version;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.function.Function;

/**
 * The one JSON codec of the protocol: the server renders and the client parses with it. Names,
 * versions, digests and instants travel as the strings they always were ({@code "1.0.0"}, 64 hex
 * digits, {@link Instant#toString()}), so stored records and older clients read the same bytes.
 */
public final class ApiJson {

    public static final String CONTENT_TYPE = "application/json";

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            // map-shaped bodies (the simple API's, the error body) have always been sorted by key
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .addModule(new SimpleModule("pkgr-api")
                    .addSerializer(BundleName.class, asString(BundleName::value))
                    .addDeserializer(BundleName.class, fromString(BundleName::parse))
                    .addSerializer(Version.class, asString(Version::toString))
                    .addDeserializer(Version.class, fromString(Version::parse))
                    .addSerializer(Sha256.class, asString(Sha256::hex))
                    .addDeserializer(Sha256.class, fromString(Sha256::parse))
                    .addSerializer(Instant.class, asString(Instant::toString))
                    .addDeserializer(Instant.class, fromString(Instant::parse)))
            .build();

    private ApiJson() {
    }

    /** {@code value} as JSON bytes. */
    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code value} as JSON text, as the server sends it (for {@code --json} output). */
    public static String text(Object value) {
        return new String(bytes(value), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Parses {@code json} into {@code type}; an invalid name, version or digest fails like bad JSON. */
    public static <T> T read(byte[] json, Class<T> type) throws IOException {
        return MAPPER.readValue(json, type);
    }

    /** Parses {@code in} into {@code type}. */
    public static <T> T read(InputStream in, Class<T> type) throws IOException {
        return MAPPER.readValue(in, type);
    }

    private static <T> JsonSerializer<T> asString(Function<T, String> text) {
        return new JsonSerializer<>() {
            @Override
            public void serialize(T value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(text.apply(value));
            }
        };
    }

    private static <T> JsonDeserializer<T> fromString(Function<String, T> parse) {
        return new JsonDeserializer<>() {
            @Override
            public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                String text = p.getValueAsString();
                try {
                    return parse.apply(text);
                } catch (RuntimeException e) {
                    return ctxt.reportInputMismatch(this, "%s", e.getMessage());
                }
            }
        };
    }
}
