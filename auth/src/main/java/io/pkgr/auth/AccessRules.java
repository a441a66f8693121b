package io.pkgr.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Who may do what with which bundles: grants of {@link Permission}s on name patterns to users,
 * groups, any authenticated user, or anonymous callers. Everything not granted is denied.
 *
 * <p>Precedence is simple on purpose: the permissions of a caller are the union of every grant
 * that matches it and the bundle name, there are no deny rules, and order does not matter.
 * {@code admin} implies every permission; {@code publish} and {@code yank} imply {@code read}.
 * What anonymous callers may do, authenticated users may do too. The file format is in
 * docs/auth.md.
 */
public final class AccessRules {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> TOP_LEVEL_KEYS = Set.of("groups", "rules");
    private static final Set<String> RULE_KEYS = Set.of("bundles", "users", "groups", "anonymous", "allow");

    private final Supplier<RuleSet> rules;
    private volatile boolean anonymousRead;
    private WatchedFile<RuleSet> watched; // null for rules not read from a file

    private AccessRules(Supplier<RuleSet> rules) {
        this.rules = rules;
    }

    /** Reads the YAML rules file at {@code path} and reloads it when it changes; fails if it is unreadable or invalid. */
    public static AccessRules load(Path path) throws IOException {
        return load(path, HtpasswdFile.DEFAULT_RELOAD_INTERVAL, System::nanoTime, () -> { });
    }

    /** Like {@link #load(Path)}, telling {@code onReload} each time a changed file was loaded. */
    public static AccessRules load(Path path, Runnable onReload) throws IOException {
        return load(path, HtpasswdFile.DEFAULT_RELOAD_INTERVAL, System::nanoTime, onReload);
    }

    static AccessRules load(Path path, Duration reloadInterval, LongSupplier nanoTicker) throws IOException {
        return load(path, reloadInterval, nanoTicker, () -> { });
    }

    static AccessRules load(Path path, Duration reloadInterval, LongSupplier nanoTicker, Runnable onReload)
            throws IOException {
        WatchedFile<RuleSet> file = new WatchedFile<>(path, "access rules file", (content, previous) -> {
            try {
                return parse(content);
            } catch (IllegalArgumentException | IOException e) {
                throw new WatchedFile.RejectedFileException(e.getMessage());
            }
        }, reloadInterval.toNanos(), nanoTicker, (before, after) -> onReload.run());
        AccessRules rules = new AccessRules(file::current);
        rules.watched = file;
        return rules;
    }

    /** The built-in default when no rules file is configured: {@code adminUser} may do everything on {@code *}. */
    public static AccessRules adminOnly(String adminUser) {
        RuleSet set = new RuleSet(Map.of(), List.of(new Rule(List.of(NamePattern.of("*")), Set.of(adminUser),
                false, Set.of(), false, EnumSet.of(Permission.ADMIN))));
        return new AccessRules(() -> set);
    }

    /** Parses rules from YAML text (for tests and for checking a file before installing it). */
    static AccessRules parse(String yaml) throws IOException {
        RuleSet set = parse(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return new AccessRules(() -> set);
    }

    /**
     * Whether {@code user} may do {@code permission} on the bundle {@code bundleName}.
     *
     * @param user the authenticated user ({@link AuthResult#user()}), or null for an anonymous caller
     * @param bundleName the bundle name; normalised here (PEP 503) if it is not already
     */
    public boolean allows(String user, Permission permission, String bundleName) {
        String name = NamePattern.normalize(bundleName);
        if (anonymousRead && permission == Permission.READ) {
            return true;
        }
        return rules.get().allows(user, permission, pattern -> pattern.matches(name));
    }

    /**
     * Whether {@code user} may do {@code permission} on {@code name} matched exactly against the
     * patterns as written, with no folding of case or separators: for Maven coordinates
     * ({@code GROUP:ARTIFACT}), where {@code org.foo-bar} and {@code org.foo.bar} are different groups.
     *
     * @param user the authenticated user, or null for an anonymous caller
     */
    public boolean allowsExactly(String user, Permission permission, String name) {
        if (anonymousRead && permission == Permission.READ) {
            return true;
        }
        return rules.get().allows(user, permission, pattern -> pattern.matchesExactly(name));
    }

    /**
     * Whether some grant gives {@code user} {@code permission} on at least one name pattern: lets a
     * server refuse an upload that names its target only inside the body before reading the body.
     */
    public boolean allowsOnSomeName(String user, Permission permission) {
        if (anonymousRead && permission == Permission.READ) {
            return true;
        }
        return rules.get().allowsOnSomeName(user, permission);
    }

    /**
     * Whether {@code user} may do {@code permission} on every name the pattern can match: what a
     * token scope {@code pattern:permission} of theirs may claim. Conservative: true only when one
     * grant's pattern covers the whole scope pattern ({@code team-*} covers {@code team-a-*}, not
     * {@code *}), both PEP 503-normalised and as written ({@code org.foo-bar:*} does not cover
     * {@code org.foo.bar:*}).
     */
    public boolean allowsEveryName(String user, Permission permission, String pattern) {
        if (anonymousRead && permission == Permission.READ) {
            return true;
        }
        NamePattern scope = NamePattern.of(pattern);
        RuleSet set = rules.get();
        // both ways the scope will be matched: folded (bundles, projects) and exactly (Maven coordinates)
        return set.allows(user, permission, granted -> granted.matches(scope.normalized()))
                && set.allows(user, permission, granted -> granted.matchesExactly(scope.written()));
    }

    /** Whether {@code user} administers the whole registry ({@code admin} on {@code *}). */
    public boolean isRegistryAdmin(String user) {
        return user != null && rules.get().allows(user, Permission.ADMIN, pattern -> pattern.matches("*"));
    }

    /** Lets anonymous callers read every bundle, in addition to the rules (off by default). */
    public void setAnonymousRead(boolean anonymousRead) {
        this.anonymousRead = anonymousRead;
    }

    /** Whether anonymous callers may read every bundle regardless of the rules. */
    public boolean anonymousRead() {
        return anonymousRead;
    }

    boolean checkNow() {
        return watched != null && watched.checkNow();
    }

    static RuleSet parse(byte[] content) throws IOException {
        JsonNode root = YAML.readTree(content);
        if (root == null || root.isMissingNode() || root.isNull()) {
            return new RuleSet(Map.of(), List.of()); // an empty file denies everything
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("the top level must be a mapping with 'groups' and 'rules'");
        }
        requireKnownKeys(root, TOP_LEVEL_KEYS, "top level");
        Map<String, Set<String>> groupsOfUser = new HashMap<>();
        Set<String> groupNames = new HashSet<>();
        JsonNode groups = root.path("groups");
        if (!groups.isMissingNode() && !groups.isNull()) {
            if (!groups.isObject()) {
                throw new IllegalArgumentException("'groups' must map a group name to a list of users");
            }
            for (Map.Entry<String, JsonNode> group : groups.properties()) {
                groupNames.add(group.getKey());
                for (String member : strings(group.getValue(), "group '" + group.getKey() + "'")) {
                    groupsOfUser.computeIfAbsent(member, u -> new HashSet<>()).add(group.getKey());
                }
            }
        }
        List<Rule> rules = new ArrayList<>();
        JsonNode ruleNodes = root.path("rules");
        if (!ruleNodes.isMissingNode() && !ruleNodes.isNull() && !ruleNodes.isArray()) {
            throw new IllegalArgumentException("'rules' must be a list");
        }
        int index = 0;
        for (JsonNode node : ruleNodes) {
            index++;
            rules.add(rule(node, "rule " + index, groupNames));
        }
        return new RuleSet(groupsOfUser, rules);
    }

    private static Rule rule(JsonNode node, String where, Set<String> groupNames) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + ": must be a mapping");
        }
        requireKnownKeys(node, RULE_KEYS, where);
        List<NamePattern> bundles = new ArrayList<>();
        for (String pattern : strings(node.path("bundles"), where + " 'bundles'")) {
            bundles.add(NamePattern.of(pattern));
        }
        if (bundles.isEmpty()) {
            throw new IllegalArgumentException(where + ": 'bundles' lists no name pattern");
        }
        Set<String> users = new HashSet<>(strings(node.path("users"), where + " 'users'"));
        boolean anyUser = users.remove("*");
        Set<String> groups = new HashSet<>(strings(node.path("groups"), where + " 'groups'"));
        for (String group : groups) {
            if (!groupNames.contains(group)) {
                throw new IllegalArgumentException(where + ": group '" + group + "' is not defined under 'groups'");
            }
        }
        JsonNode anonymousNode = node.path("anonymous");
        if (!anonymousNode.isMissingNode() && !anonymousNode.isBoolean()) {
            throw new IllegalArgumentException(where + ": 'anonymous' must be true or false");
        }
        boolean anonymous = anonymousNode.asBoolean(false);
        if (users.isEmpty() && !anyUser && groups.isEmpty() && !anonymous) {
            throw new IllegalArgumentException(where + ": grants to nobody (set users, groups or anonymous)");
        }
        EnumSet<Permission> allow = EnumSet.noneOf(Permission.class);
        for (String p : strings(node.path("allow"), where + " 'allow'")) {
            try {
                allow.add(Permission.parse(p));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }
        if (allow.isEmpty()) {
            throw new IllegalArgumentException(where + ": 'allow' lists no permission");
        }
        return new Rule(bundles, users, anyUser, groups, anonymous, allow);
    }

    private static void requireKnownKeys(JsonNode node, Set<String> known, String where) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                throw new IllegalArgumentException(where + ": unknown key '" + key + "' (expected one of "
                        + new java.util.TreeSet<>(known) + ")");
            }
        }
    }

    /** A scalar or a list of scalars as strings; missing means empty. */
    private static List<String> strings(JsonNode node, String where) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (node.isValueNode()) {
            return List.of(node.asText());
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException(where + ": must be a list");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isValueNode() || item.isNull()) {
                throw new IllegalArgumentException(where + ": items must be plain strings");
            }
            out.add(item.asText());
        }
        return out;
    }

    /** One parsed rules file. */
    record RuleSet(Map<String, Set<String>> groupsOfUser, List<Rule> rules) {
        /** Whether a rule grants {@code permission} to {@code user} on a pattern that {@code covers} accepts. */
        boolean allows(String user, Permission permission, Predicate<NamePattern> covers) {
            Set<String> groups = user == null ? Set.of() : groupsOfUser.getOrDefault(user, Set.of());
            for (Rule rule : rules) {
                if (rule.grants(permission) && rule.appliesTo(user, groups) && rule.bundles().stream().anyMatch(covers)) {
                    return true;
                }
            }
            return false;
        }

        boolean allowsOnSomeName(String user, Permission permission) {
            Set<String> groups = user == null ? Set.of() : groupsOfUser.getOrDefault(user, Set.of());
            return rules.stream().anyMatch(rule -> rule.grants(permission) && rule.appliesTo(user, groups));
        }
    }

    /** One grant: these permissions, on these names, to these callers. */
    record Rule(List<NamePattern> bundles, Set<String> users, boolean anyUser, Set<String> groups,
                boolean anonymous, Set<Permission> allow) {

        boolean grants(Permission wanted) {
            for (Permission p : allow) {
                if (p.implies(wanted)) {
                    return true;
                }
            }
            return false;
        }

        boolean appliesTo(String user, Set<String> groupsOfUser) {
            if (anonymous) {
                return true; // what anonymous may do, any authenticated user may do too
            }
            if (user == null) {
                return false;
            }
            if (anyUser || users.contains(user)) {
                return true;
            }
            for (String g : groupsOfUser) {
                if (groups.contains(g)) {
                    return true;
                }
            }
            return false;
        }
    }
}
