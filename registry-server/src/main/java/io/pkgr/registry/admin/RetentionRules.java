package io.pkgr.registry.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pkgr.auth.NamePattern;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which bundle versions {@code pkgr admin gc --retention FILE} removes: rules per name pattern,
 * the first that matches a name deciding for all its versions (names no rule matches are kept).
 *
 * <pre>
 * rules:
 *   - match: "churn-*"                 # a name pattern, * any run of characters (PEP 503 normalised)
 *     keep-last: 10                    # the 10 highest versions are kept
 *     keep-newer-than: 90d             # and every version published within 90 days
 *     remove-yanked-older-than: 30d    # a yanked version older than that goes, even if kept above
 *     keep-pinned: true                # versions in a registered lock are never removed (default)
 * </pre>
 *
 * A version is removed when the rule has a keep clause (keep-last, keep-newer-than) that does not
 * keep it, or when it is yanked and older than remove-yanked-older-than; in either case never when
 * a registered lock pins it, unless the rule says {@code keep-pinned: false}. A rule with no clause
 * that removes anything is refused, as is any unknown key: a typo must not delete versions.
 */
public record RetentionRules(List<Rule> rules) {

    private static final Set<String> KEYS = Set.of("match", "keep-last", "keep-newer-than", "remove-yanked-older-than",
            "keep-pinned");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,6})([smhdw])");

    public RetentionRules {
        rules = List.copyOf(rules);
    }

    /** One rule; absent clauses are empty. */
    public record Rule(String pattern, NamePattern match, Optional<Integer> keepLast, Optional<Duration> keepNewerThan,
            Optional<Duration> removeYankedOlderThan, boolean keepPinned) {
    }

    /** The rule for a normalised name: the first that matches, or empty. */
    public Optional<Rule> ruleFor(String normalizedName) {
        return rules.stream().filter(r -> r.match().matches(normalizedName)).findFirst();
    }

    /** Parses a rules file; {@link IllegalArgumentException} naming {@code source}, the rule and the problem. */
    public static RetentionRules parse(String source, byte[] yaml) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject() || !root.has("rules") || !root.get("rules").isArray()) {
            throw new IllegalArgumentException(source + ": expected 'rules:' with a list of rules");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.equals("rules")) {
                throw new IllegalArgumentException(source + ": unknown key '" + key + "' (only 'rules')");
            }
        }
        List<Rule> rules = new ArrayList<>();
        int index = 0;
        for (JsonNode node : root.get("rules")) {
            index++;
            String where = source + ": rule " + index;
            rules.add(rule(where, node));
        }
        if (rules.isEmpty()) {
            throw new IllegalArgumentException(source + ": no rules");
        }
        return new RetentionRules(rules);
    }

    private static Rule rule(String where, JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + ": expected a mapping (match:, keep-last:, …)");
        }
        if (node.path("match").isTextual()) {
            where = where + " (" + node.get("match").asText() + ")";
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(where + ": unknown key '" + key + "' (known: " + String.join(", ",
                        new java.util.TreeSet<>(KEYS)) + ")");
            }
        }
        JsonNode match = node.get("match");
        if (match == null || !match.isTextual() || match.asText().isBlank()) {
            throw new IllegalArgumentException(where + ": 'match' must be a name pattern such as \"churn-*\"");
        }
        Optional<Integer> keepLast = Optional.empty();
        if (node.has("keep-last")) {
            JsonNode n = node.get("keep-last");
            if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 1) {
                throw new IllegalArgumentException(where + ": keep-last must be a whole number"
                        + " of at least 1, not '" + n.asText() + "'");
            }
            keepLast = Optional.of(n.asInt());
        }
        Optional<Duration> keepNewer = duration(where, node, "keep-newer-than");
        Optional<Duration> removeYanked = duration(where, node, "remove-yanked-older-than");
        boolean keepPinned = true;
        if (node.has("keep-pinned")) {
            if (!node.get("keep-pinned").isBoolean()) {
                throw new IllegalArgumentException(where + ": keep-pinned must be true or false");
            }
            keepPinned = node.get("keep-pinned").asBoolean();
        }
        if (keepLast.isEmpty() && keepNewer.isEmpty() && removeYanked.isEmpty()) {
            throw new IllegalArgumentException(where + ": the rule removes nothing; give"
                    + " keep-last, keep-newer-than or remove-yanked-older-than");
        }
        return new Rule(match.asText(), NamePattern.of(match.asText()), keepLast, keepNewer, removeYanked, keepPinned);
    }

    private static Optional<Duration> duration(String where, JsonNode node, String key) {
        if (!node.has(key)) {
            return Optional.empty();
        }
        Matcher m = DURATION.matcher(node.get(key).asText().strip());
        if (!node.get(key).isTextual() || !m.matches()) {
            throw new IllegalArgumentException(where + ": " + key + " must be a duration such as 90d,"
                    + " 12h, 2w (s, m, h, d, w), not '" + node.get(key).asText() + "'");
        }
        long n = Long.parseLong(m.group(1));
        return Optional.of(switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
        });
    }
}
