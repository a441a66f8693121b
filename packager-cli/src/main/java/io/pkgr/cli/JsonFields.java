package io.pkgr.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The top-level fields of a small JSON object (a cached version record, a ready marker), read with
 * Jackson's streaming parser. A warm {@code pkgr run} reads only such files; the streaming parser
 * costs a few dozen classes where data binding costs hundreds, which is most of a warm run's start.
 *
 * <p>Each accessor answers what {@code JsonNode.path(name)} would: {@link #text} is {@code asText()},
 * {@link #bool} is {@code asBoolean(default)}; a nested object or array is kept as compact JSON bytes.
 */
public final class JsonFields {

    private static final JsonFactory FACTORY = new JsonFactory();
    /** What stands for a JSON null (a map cannot hold null and still say the field was there). */
    private static final Object NULL = new Object();

    private final Map<String, Object> fields;

    private JsonFields(Map<String, Object> fields) {
        this.fields = fields;
    }

    /** Parses a JSON object; empty content is an object without fields (as {@code readTree} gives a missing node). */
    public static JsonFields parse(byte[] json) throws IOException {
        Map<String, Object> fields = new LinkedHashMap<>();
        try (JsonParser p = FACTORY.createParser(json)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return new JsonFields(fields);
            }
            if (t != JsonToken.START_OBJECT) {
                throw new JsonParseException(p, "expected a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                fields.put(name, switch (v) {
                    case START_OBJECT, START_ARRAY -> copy(p);
                    case VALUE_NULL -> NULL;
                    case VALUE_TRUE -> Boolean.TRUE;
                    case VALUE_FALSE -> Boolean.FALSE;
                    case VALUE_NUMBER_FLOAT -> new Text(Double.toString(p.getDoubleValue()), true);
                    case VALUE_NUMBER_INT -> new Text(p.getText(), true);
                    default -> new Text(p.getText(), false);
                });
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new JsonParseException(p, "unexpected content after the object");
            }
        }
        return new JsonFields(fields);
    }

    /** A scalar's text (a number as Jackson writes it, a string as is): kept apart from booleans and nested values. */
    private record Text(String value, boolean number) {
    }

    private static byte[] copy(JsonParser p) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.copyCurrentStructure(p);
        }
        return out.toByteArray();
    }

    /** {@code JsonNode.path(name).asText()}: a scalar's text, "null" for null, "" when absent or nested. */
    public String text(String name) {
        Object v = fields.get(name);
        if (v instanceof Text t) {
            return t.value();
        }
        if (v instanceof Boolean b) {
            return b.toString();
        }
        return v == NULL ? "null" : "";
    }

    /** The text of a field, or null when it is absent or JSON null. */
    public String textOrNull(String name) {
        Object v = fields.get(name);
        return v == null || v == NULL ? null : text(name);
    }

    /** {@code JsonNode.path(name).asBoolean(otherwise)}: a boolean, "true"/"false" text, or a number not zero. */
    public boolean bool(String name, boolean otherwise) {
        Object v = fields.get(name);
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Text t) {
            if (t.number()) {
                return Double.parseDouble(t.value()) != 0;
            }
            String s = t.value().trim();
            return s.equals("true") || (!s.equals("false") && otherwise);
        }
        return otherwise;
    }

    /** {@code JsonNode.path(name).asLong(otherwise)}. */
    public long number(String name, long otherwise) {
        Object v = fields.get(name);
        if (v instanceof Text t) {
            try {
                return Long.parseLong(t.value().trim());
            } catch (NumberFormatException e) {
                try {
                    return (long) Double.parseDouble(t.value().trim());
                } catch (NumberFormatException e2) {
                    return otherwise;
                }
            }
        }
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        return otherwise;
    }

    /** A nested object's compact JSON, or null when the field is absent or not an object. */
    public byte[] object(String name) {
        Object v = fields.get(name);
        return v instanceof byte[] b && b.length > 0 && b[0] == '{' ? b : null;
    }
}
