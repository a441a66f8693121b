package io.pkgr.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The type of an entrypoint parameter; each knows how to check and normalise a value. */
public enum ParamType {
    STRING, INT, FLOAT, BOOL, DATE, DATETIME, ENUM, JSON;

    private static final Map<String, String> ALIASES = Map.of(
            "integer", "int", "str", "string", "boolean", "bool", "double", "float", "number", "float",
            "timestamp", "datetime", "choice", "enum", "object", "json", "dict", "json");

    /** The name used in {@code pkgr.yaml}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    static ParamType fromId(String id) {
        for (ParamType t : values()) {
            if (t.id().equals(id)) {
                return t;
            }
        }
        return null;
    }

    /** A hint for an unknown type name, e.g. "(use int)". */
    static String hintFor(String id) {
        String alias = ALIASES.get(id.toLowerCase(Locale.ROOT));
        if (alias == null && fromId(id.toLowerCase(Locale.ROOT)) != null) {
            alias = id.toLowerCase(Locale.ROOT);
        }
        return alias != null ? "(use " + alias + ")" : "(use one of " + String.join(", ", ids()) + ")";
    }

    static List<String> ids() {
        return java.util.Arrays.stream(values()).map(ParamType::id).toList();
    }

    /**
     * Checks {@code raw} and returns the value passed on to the entrypoint: ints and booleans
     * normalised, JSON compacted, everything else as given (without surrounding blanks). Dates and
     * datetimes are never rewritten: {@code 2024-05-01T00:00:00+00:00} (Airflow's {@code ts}) must
     * reach a Python 3.9 {@code datetime.fromisoformat} exactly as the orchestrator wrote it.
     *
     * @throws IllegalArgumentException with a message saying what was expected
     */
    public String check(String raw, List<String> choices) {
        switch (this) {
            case STRING:
                return raw;
            case INT:
                try {
                    return Long.toString(Long.parseLong(raw.trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + Text.printable(raw) + "' is not an int");
                }
            case FLOAT:
                try {
                    BigDecimal d = new BigDecimal(raw.trim());
                    return raw.trim();
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + Text.printable(raw) + "' is not a float");
                }
            case BOOL:
                switch (raw.trim().toLowerCase(Locale.ROOT)) {
                    case "true", "yes", "1", "on":
                        return "true";
                    case "false", "no", "0", "off":
                        return "false";
                    default:
                        throw new IllegalArgumentException("'" + Text.printable(raw) + "' is not a bool (use true or false)");
                }
            case DATE:
                try {
                    LocalDate.parse(raw.trim());
                    return raw.trim();
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("'" + Text.printable(raw) + "' is not a date (use YYYY-MM-DD)");
                }
            case DATETIME:
                String s = raw.trim();
                // Python's isoformat() and Airflow's {{ logical_date }} may separate date and time by a blank
                String iso = s.length() > 10 && s.charAt(10) == ' ' ? s.substring(0, 10) + "T" + s.substring(11) : s;
                try {
                    OffsetDateTime.parse(iso);
                    return s;
                } catch (DateTimeParseException e) {
                    try {
                        LocalDateTime.parse(iso);
                        return s;
                    } catch (DateTimeParseException e2) {
                        throw new IllegalArgumentException("'" + Text.printable(raw)
                                + "' is not a datetime (use ISO-8601, e.g. 2024-05-01T00:00:00Z)");
                    }
                }
            case ENUM:
                if (!choices.contains(raw)) {
                    throw new IllegalArgumentException("'" + Text.printable(raw) + "' is not one of "
                            + String.join(", ", choices));
                }
                return raw;
            case JSON:
                try {
                    return JsonMapperHolder.MAPPER.writeValueAsString(JsonMapperHolder.MAPPER.readTree(raw));
                } catch (JsonProcessingException | IllegalArgumentException e) {
                    throw new IllegalArgumentException("'" + Text.printable(raw) + "' is not valid JSON");
                }
            default:
                throw new IllegalStateException(name());
        }
    }

    /** Jackson's data binding, loaded only when a json parameter is checked: a warm run of other types never pays for it. */
    private static final class JsonMapperHolder {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }
}
