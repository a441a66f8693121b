package io.pkgr.bundle;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed YAML or JSON document that remembers the line of every value, so validation errors
 * can say {@code pkgr.yaml:7: entrypoints.train.params.epochs.type: ...}. Duplicate keys are
 * refused; nesting and string sizes are bounded.
 */
public sealed interface LocatedNode {

    /** The 1-based line the value starts on. */
    int line();

    /** "a string", "a mapping", … for messages. */
    String describe();

    /** A single value; {@code text} is its source text. */
    record Scalar(String text, JsonToken token, int line) implements LocatedNode {
        public boolean isNull() {
            return token == JsonToken.VALUE_NULL;
        }

        @Override
        public String describe() {
            return switch (token) {
                case VALUE_STRING -> "a string";
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
                case VALUE_TRUE, VALUE_FALSE -> "a boolean";
                case VALUE_NULL -> "empty";
                default -> "a value";
            };
        }
    }

    /** A mapping in source order, with the line of each key. */
    record Mapping(Map<String, LocatedNode> entries, Map<String, Integer> keyLines, int line) implements LocatedNode {
        @Override
        public String describe() {
            return "a mapping";
        }
    }

    /** A list. */
    record Sequence(List<LocatedNode> items, int line) implements LocatedNode {
        @Override
        public String describe() {
            return "a list";
        }
    }

    /** A parse failure with the line it happened on. */
    final class ParseException extends Exception {
        private final int line;

        ParseException(String message, int line) {
            super(message);
            this.line = line;
        }

        public int line() {
            return line;
        }
    }

    /** Parses YAML content. */
    static LocatedNode parseYaml(byte[] content) throws ParseException {
        return parse(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory(), content);
    }

    /** Parses with any Jackson format factory (JSON, YAML). */
    static LocatedNode parse(JsonFactory factory, byte[] content) throws ParseException {
        factory.setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64).maxStringLength(1 << 20).maxNumberLength(100).build());
        try (JsonParser p = factory.createParser(content)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new ParseException("the file is empty", 1);
            }
            LocatedNode root = read(p, 0);
            if (p.nextToken() != null) {
                throw new ParseException("more than one document", line(p));
            }
            return root;
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getLineNr());
            throw new ParseException("not valid syntax: " + firstLine(e.getOriginalMessage()), line);
        } catch (IOException e) {
            throw new ParseException("cannot be read: " + e.getMessage(), 1);
        }
    }

    private static LocatedNode read(JsonParser p, int depth) throws IOException, ParseException {
        int line = line(p);
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, LocatedNode> entries = new LinkedHashMap<>();
                Map<String, Integer> keyLines = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    int keyLine = line(p);
                    p.nextToken();
                    LocatedNode value = read(p, depth + 1);
                    if (entries.putIfAbsent(key, value) != null) {
                        throw new ParseException("duplicate key '" + Text.printable(key) + "'", keyLine);
                    }
                    keyLines.put(key, keyLine);
                }
                return new Mapping(entries, keyLines, line);
            }
            case START_ARRAY -> {
                List<LocatedNode> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(read(p, depth + 1));
                }
                return new Sequence(items, line);
            }
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE, VALUE_NULL -> {
                return new Scalar(p.getText(), t, line);
            }
            default -> throw new ParseException("unexpected " + t, line);
        }
    }

    private static int line(JsonParser p) {
        return Math.max(1, p.currentTokenLocation().getLineNr());
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Converts back to a Jackson tree (for {@code json} parameter defaults). */
    static JsonNode toJson(LocatedNode node) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (node instanceof Mapping m) {
            ObjectNode o = f.objectNode();
            m.entries().forEach((k, v) -> o.set(k, toJson(v)));
            return o;
        }
        if (node instanceof Sequence s) {
            ArrayNode a = f.arrayNode();
            s.items().forEach(i -> a.add(toJson(i)));
            return a;
        }
        Scalar s = (Scalar) node;
        return switch (s.token()) {
            case VALUE_NUMBER_INT -> f.numberNode(new java.math.BigInteger(s.text()));
            case VALUE_NUMBER_FLOAT -> f.numberNode(new java.math.BigDecimal(s.text()));
            case VALUE_TRUE -> f.booleanNode(true);
            case VALUE_FALSE -> f.booleanNode(false);
            case VALUE_NULL -> f.nullNode();
            default -> f.textNode(s.text());
        };
    }
}
