package io.pkgr.bundle;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pkgr.bundle.pep440.Pep440Specifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/** Validates a manifest tree field by field, collecting every problem with its line. */
final class ManifestParser {

    private static final Set<String> YAML_KEYS = Set.of("name", "version", "description", "runtime", "python",
            "requirements", "dependencies", "include", "exclude", "entrypoints");
    private static final Set<String> JSON_KEYS = Set.of("format", "name", "version", "description", "runtime",
            "python", "requirements", "dependencies", "include", "exclude", "entrypoints", "files");
    private static final Set<String> ENTRYPOINT_KEYS = Set.of("command", "params", "description", "booleans");
    private static final Set<String> PARAM_KEYS = Set.of("type", "required", "default", "choices", "description");
    private static final Set<String> FILE_KEYS = Set.of("sha256", "size", "executable");

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final Pattern PINNED_REQUIREMENT = Pattern.compile(
            "[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?(\\[[A-Za-z0-9._, -]*])?\\s*===?\\s*[A-Za-z0-9.!+_*-]+\\s*(;.*)?");
    private static final Pattern MAVEN_COORDINATE = Pattern.compile(
            "[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+){0,2}:[A-Za-z0-9_.+-]+");

    private final String source;
    private final boolean json;
    private final List<String> problems = new ArrayList<>();

    private ManifestParser(String source, boolean json) {
        this.source = source;
        this.json = json;
    }

    static Manifest parse(String source, byte[] content, boolean json) {
        LocatedNode root;
        try {
            root = LocatedNode.parse(json ? new JsonFactory() : new YAMLFactory(), content);
        } catch (LocatedNode.ParseException e) {
            throw new BundleException(BundleException.Code.INVALID_MANIFEST, source + ":" + e.line() + ": " + e.getMessage());
        }
        ManifestParser parser = new ManifestParser(source, json);
        Manifest manifest = parser.manifest(root);
        if (!parser.problems.isEmpty()) {
            throw new BundleException(BundleException.Code.INVALID_MANIFEST, String.join("\n", parser.problems));
        }
        return manifest;
    }

    private void problem(int line, String path, String message) {
        problems.add(source + ":" + line + ": " + (path.isEmpty() ? "" : path + ": ") + message);
    }

    /** Each field in its own step; every problem is collected, and the manifest built only if there is none. */
    private Manifest manifest(LocatedNode root) {
        if (!(root instanceof LocatedNode.Mapping top)) {
            problem(root.line(), "", "expected a mapping of fields (name, version, runtime, entrypoints, …), got "
                    + root.describe());
            return null;
        }
        checkKeys(top, "", json ? JSON_KEYS : YAML_KEYS);
        if (json) {
            checkFormat(top);
        }
        BundleName name = required(top, "name", BundleName::parse);
        Version version = required(top, "version", Version::parse);
        String description = scalar(top, "description", "", false);
        Runtime runtime = runtime(top);
        String python = python(top, runtime);
        List<String> requirements = requirements(top, runtime);
        List<String> dependencies = dependencies(top, runtime);
        List<String> include = top.entries().containsKey("include") ? strings(top, "include") : List.of("**");
        List<String> exclude = strings(top, "exclude");
        checkPatterns(top, "include", include);
        checkPatterns(top, "exclude", exclude);
        Map<String, Entrypoint> entrypoints = entrypoints(top, runtime);
        TreeMap<String, FileEntry> files = json ? files(top) : new TreeMap<>();
        if (!problems.isEmpty()) {
            return null;
        }
        return new Manifest(name, version, description, runtime, python, requirements, dependencies, include,
                exclude, entrypoints, files);
    }

    private void checkFormat(LocatedNode.Mapping top) {
        String format = scalar(top, "format", "", true);
        if (format != null && !format.equals(Integer.toString(Manifest.FORMAT))) {
            problem(line(top, "format"), "format", "unsupported bundle format " + Text.printable(format)
                    + " (this pkgr reads format " + Manifest.FORMAT + "; upgrade pkgr)");
        }
    }

    /** A required field parsed into its type; null (with the parser's message as the problem) when it does not parse. */
    private <T> T required(LocatedNode.Mapping top, String field, Function<String, T> parse) {
        String text = scalar(top, field, "", true);
        if (text == null) {
            return null;
        }
        try {
            return parse.apply(text);
        } catch (BundleException e) {
            problem(line(top, field), field, e.getMessage());
            return null;
        }
    }

    private Runtime runtime(LocatedNode.Mapping top) {
        String text = scalar(top, "runtime", "", true);
        if (text == null) {
            return null;
        }
        Runtime runtime = Runtime.fromId(text);
        if (runtime == null) {
            problem(line(top, "runtime"), "runtime", "unknown runtime '" + Text.printable(text)
                    + "' (use python, jvm or exec)");
        }
        return runtime;
    }

    /** The interpreter constraint, a PEP 440 specifier such as {@code >=3.10}. */
    private String python(LocatedNode.Mapping top, Runtime runtime) {
        String python = scalar(top, "python", "", false);
        if (python != null) {
            if (runtime != null && runtime != Runtime.PYTHON) {
                problem(line(top, "python"), "python", "only applies to runtime python");
            } else if (!Pep440Specifier.isValid(python)) {
                problem(line(top, "python"), "python", "'" + Text.printable(python)
                        + "' is not a version constraint (e.g. \">=3.10\")");
            }
        }
        return python;
    }

    /** Pinned Python requirements ({@code NAME==VERSION}), for runtime python only. */
    private List<String> requirements(LocatedNode.Mapping top, Runtime runtime) {
        List<String> requirements = strings(top, "requirements");
        for (int i = 0; i < requirements.size(); i++) {
            String r = requirements.get(i);
            if (runtime != null && runtime != Runtime.PYTHON) {
                problem(itemLine(top, "requirements", i), "requirements", "only applies to runtime python (jvm uses dependencies)");
                break;
            }
            if (!PINNED_REQUIREMENT.matcher(r).matches()) {
                String project = r.split("[^A-Za-z0-9._-]", 2)[0];
                problem(itemLine(top, "requirements", i), "requirements[" + i + "]", "'" + Text.printable(r)
                        + "' is not pinned (use " + (project.isEmpty() ? "NAME" : project) + "==VERSION)");
            }
        }
        return requirements;
    }

    /** Pinned Maven coordinates ({@code GROUP:ARTIFACT:VERSION}), for runtime jvm only. */
    private List<String> dependencies(LocatedNode.Mapping top, Runtime runtime) {
        List<String> dependencies = strings(top, "dependencies");
        for (int i = 0; i < dependencies.size(); i++) {
            String d = dependencies.get(i);
            if (runtime != null && runtime != Runtime.JVM) {
                problem(itemLine(top, "dependencies", i), "dependencies", "only applies to runtime jvm (python uses requirements)");
                break;
            }
            if (!MAVEN_COORDINATE.matcher(d).matches()) {
                problem(itemLine(top, "dependencies", i), "dependencies[" + i + "]", "'" + Text.printable(d)
                        + "' is not a pinned Maven coordinate (use GROUP:ARTIFACT:VERSION)");
            }
        }
        return dependencies;
    }

    private void checkPatterns(LocatedNode.Mapping top, String field, List<String> patterns) {
        for (int i = 0; i < patterns.size(); i++) {
            String p = patterns.get(i);
            if (p.isEmpty() || p.startsWith("/") || p.contains("\\") || List.of(p.split("/")).contains("..")) {
                problem(itemLine(top, field, i), field + "[" + i + "]", "'" + Text.printable(p)
                        + "' must be a relative pattern inside the project (no leading '/', no '..')");
            }
        }
    }

    private Map<String, Entrypoint> entrypoints(LocatedNode.Mapping top, Runtime runtime) {
        Map<String, Entrypoint> result = new LinkedHashMap<>();
        LocatedNode node = top.entries().get("entrypoints");
        if (node == null) {
            problem(top.line(), "entrypoints", "missing (a bundle needs at least one entrypoint)");
            return result;
        }
        if (!(node instanceof LocatedNode.Mapping eps) || eps.entries().isEmpty()) {
            problem(node.line(), "entrypoints", "expected a mapping of entrypoint names to commands, got "
                    + node.describe());
            return result;
        }
        eps.entries().forEach((epName, epNode) -> {
            String path = "entrypoints." + epName;
            if (!IDENTIFIER.matcher(epName).matches()) {
                problem(eps.keyLines().get(epName), path, "invalid entrypoint name (use lower-case letters, digits, '-' and '_')");
            }
            if (!(epNode instanceof LocatedNode.Mapping ep)) {
                problem(epNode.line(), path, "expected a mapping with command and params, got " + epNode.describe());
                return;
            }
            checkKeys(ep, path, ENTRYPOINT_KEYS);
            List<String> command = new ArrayList<>();
            LocatedNode commandNode = ep.entries().get("command");
            if (commandNode == null) {
                problem(ep.line(), path + ".command", "missing (e.g. [\"python\", \"-m\", \"mypkg.main\"])");
            } else if (!(commandNode instanceof LocatedNode.Sequence seq)) {
                problem(commandNode.line(), path + ".command", "expected a list like [\"python\", \"-m\", \"mypkg.main\"], got "
                        + commandNode.describe());
            } else if (seq.items().isEmpty()) {
                problem(commandNode.line(), path + ".command", "is empty");
            } else {
                for (int i = 0; i < seq.items().size(); i++) {
                    LocatedNode item = seq.items().get(i);
                    if (!(item instanceof LocatedNode.Scalar s) || s.isNull() || s.text().isEmpty()) {
                        problem(item.line(), path + ".command[" + i + "]", "expected a non-empty string");
                    } else {
                        command.add(s.text());
                    }
                }
            }
            String description = scalar(ep, "description", path, false);
            Map<String, Param> params = params(ep, path);
            result.put(epName, new Entrypoint(command, params, description, booleans(ep, path, runtime)));
        });
        return result;
    }

    /** How the entrypoint's bool parameters are written; the runtime's default when not said. */
    private BoolStyle booleans(LocatedNode.Mapping ep, String epPath, Runtime runtime) {
        BoolStyle fallback = BoolStyle.defaultFor(runtime);
        String text = scalar(ep, "booleans", epPath, false);
        if (text == null) {
            return fallback;
        }
        BoolStyle style = BoolStyle.fromId(text);
        if (style == null) {
            problem(line(ep, "booleans"), epPath + ".booleans", "unknown style '" + Text.printable(text) + "' (use "
                    + String.join(", ", BoolStyle.ids()) + ": fire for Python Fire, flag for click/typer and argparse"
                    + " BooleanOptionalAction, switch for argparse store_true, value for --x=true/false)");
            return fallback;
        }
        return style;
    }

    private Map<String, Param> params(LocatedNode.Mapping ep, String epPath) {
        Map<String, Param> result = new LinkedHashMap<>();
        LocatedNode node = ep.entries().get("params");
        if (node == null || (node instanceof LocatedNode.Scalar s && s.isNull())) {
            return result;
        }
        if (!(node instanceof LocatedNode.Mapping params)) {
            problem(node.line(), epPath + ".params", "expected a mapping of parameter names, got " + node.describe());
            return result;
        }
        params.entries().forEach((paramName, paramNode) -> {
            String path = epPath + ".params." + paramName;
            if (!IDENTIFIER.matcher(paramName).matches()) {
                problem(params.keyLines().get(paramName), path,
                        "invalid parameter name (use lower-case letters, digits, '-' and '_')");
            }
            if (!(paramNode instanceof LocatedNode.Mapping p)) {
                problem(paramNode.line(), path, "expected a mapping like {type: int, default: 10}, got "
                        + paramNode.describe());
                return;
            }
            checkKeys(p, path, PARAM_KEYS);
            String typeText = scalar(p, "type", path, false);
            ParamType type = ParamType.STRING;
            if (typeText != null) {
                type = ParamType.fromId(typeText);
                if (type == null) {
                    problem(line(p, "type"), path + ".type", "unknown type '" + Text.printable(typeText) + "' "
                            + ParamType.hintFor(typeText));
                    return;
                }
            }
            boolean required = bool(p, "required", path);
            List<String> choices = p.entries().containsKey("choices") ? strings(p, "choices", path) : List.of();
            if (type == ParamType.ENUM && choices.isEmpty()) {
                problem(p.line(), path + ".choices", "an enum parameter needs a non-empty list of choices");
                return;
            }
            if (type != ParamType.ENUM && !choices.isEmpty()) {
                problem(line(p, "choices"), path + ".choices", "only applies to type enum");
            }
            String defaultValue = null;
            LocatedNode def = p.entries().get("default");
            if (def != null && !(def instanceof LocatedNode.Scalar s && s.isNull())) {
                String raw;
                if (def instanceof LocatedNode.Scalar s) {
                    raw = s.text();
                } else if (type == ParamType.JSON) {
                    raw = LocatedNode.toJson(def).toString();
                } else {
                    problem(def.line(), path + ".default", "expected a " + type.id() + " value, got " + def.describe());
                    return;
                }
                if (required) {
                    problem(def.line(), path + ".default", "a required parameter cannot have a default");
                }
                try {
                    defaultValue = type.check(raw, choices);
                } catch (IllegalArgumentException e) {
                    problem(def.line(), path + ".default", e.getMessage());
                }
            }
            result.put(paramName, new Param(type, required, defaultValue, choices, scalar(p, "description", path, false)));
        });
        return result;
    }

    private TreeMap<String, FileEntry> files(LocatedNode.Mapping top) {
        TreeMap<String, FileEntry> result = new TreeMap<>();
        LocatedNode node = top.entries().get("files");
        if (node == null) {
            problem(top.line(), "files", "missing");
            return result;
        }
        if (!(node instanceof LocatedNode.Mapping files)) {
            problem(node.line(), "files", "expected a mapping, got " + node.describe());
            return result;
        }
        files.entries().forEach((path, entryNode) -> {
            String field = "files." + path;
            try {
                BundlePaths.checkPayloadPath(path);
            } catch (BundleException e) {
                problem(files.keyLines().get(path), field, e.getMessage());
                return;
            }
            if (!(entryNode instanceof LocatedNode.Mapping entry)) {
                problem(entryNode.line(), field, "expected {sha256, size}");
                return;
            }
            checkKeys(entry, field, FILE_KEYS);
            String sha = scalar(entry, "sha256", field, true);
            String size = scalar(entry, "size", field, true);
            boolean executable = bool(entry, "executable", field);
            if (sha == null || size == null) {
                return;
            }
            try {
                long n = Long.parseLong(size);
                if (n < 0) {
                    throw new NumberFormatException();
                }
                result.put(path, new FileEntry(new Sha256(sha), n, executable));
            } catch (NumberFormatException e) {
                problem(line(entry, "size"), field + ".size", "not a size");
            } catch (BundleException e) {
                problem(line(entry, "sha256"), field + ".sha256", e.getMessage());
            }
        });
        return result;
    }

    private void checkKeys(LocatedNode.Mapping m, String path, Set<String> known) {
        for (String key : m.entries().keySet()) {
            if (!known.contains(key)) {
                String hint = known.stream().filter(k -> Spelling.distance(k, key) <= 2).sorted().findFirst()
                        .map(k -> " (did you mean '" + k + "'?)").orElse("");
                problem(m.keyLines().get(key), path.isEmpty() ? key : path + "." + key, "unknown field" + hint);
            }
        }
    }

    private String scalar(LocatedNode.Mapping m, String key, String parent, boolean required) {
        String path = parent.isEmpty() ? key : parent + "." + key;
        LocatedNode n = m.entries().get(key);
        if (n == null || (n instanceof LocatedNode.Scalar s && s.isNull())) {
            if (required) {
                problem(n == null ? m.line() : n.line(), path, "missing");
            }
            return null;
        }
        if (!(n instanceof LocatedNode.Scalar s)) {
            problem(n.line(), path, "expected a single value, got " + n.describe());
            return null;
        }
        return s.text();
    }

    private boolean bool(LocatedNode.Mapping m, String key, String parent) {
        LocatedNode n = m.entries().get(key);
        if (n == null) {
            return false;
        }
        if (n instanceof LocatedNode.Scalar s && (s.token() == JsonToken.VALUE_TRUE || s.token() == JsonToken.VALUE_FALSE)) {
            return s.token() == JsonToken.VALUE_TRUE;
        }
        problem(n.line(), parent + "." + key, "expected true or false, got " + n.describe());
        return false;
    }

    private List<String> strings(LocatedNode.Mapping m, String key) {
        return strings(m, key, "");
    }

    private List<String> strings(LocatedNode.Mapping m, String key, String parent) {
        String path = parent.isEmpty() ? key : parent + "." + key;
        LocatedNode n = m.entries().get(key);
        if (n == null || (n instanceof LocatedNode.Scalar s && s.isNull())) {
            return List.of();
        }
        if (!(n instanceof LocatedNode.Sequence seq)) {
            problem(n.line(), path, "expected a list, got " + n.describe());
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < seq.items().size(); i++) {
            LocatedNode item = seq.items().get(i);
            if (item instanceof LocatedNode.Scalar s && !s.isNull()) {
                out.add(s.text());
            } else {
                problem(item.line(), path + "[" + i + "]", "expected a string, got " + item.describe());
            }
        }
        return out;
    }

    private static int line(LocatedNode.Mapping m, String key) {
        LocatedNode n = m.entries().get(key);
        return n == null ? m.line() : n.line();
    }

    private static int itemLine(LocatedNode.Mapping m, String key, int index) {
        LocatedNode n = m.entries().get(key);
        if (n instanceof LocatedNode.Sequence s && index < s.items().size()) {
            return s.items().get(index).line();
        }
        return n == null ? m.line() : n.line();
    }

    static byte[] canonicalJson(Manifest m) {
        Map<String, Object> root = new TreeMap<>();
        root.put("format", Manifest.FORMAT);
        root.put("name", m.name().value());
        root.put("version", m.version().toString());
        root.put("description", m.description());
        root.put("runtime", m.runtime().id());
        if (m.python() != null) {
            root.put("python", m.python());
        }
        root.put("requirements", m.requirements());
        root.put("dependencies", m.dependencies());
        root.put("include", m.include());
        root.put("exclude", m.exclude());
        Map<String, Object> eps = new TreeMap<>();
        m.entrypoints().forEach((name, ep) -> {
            Map<String, Object> e = new TreeMap<>();
            e.put("command", ep.command());
            if (!ep.description().isEmpty()) {
                e.put("description", ep.description());
            }
            // written only when it is not the runtime's default: bundles that do not use it read as before
            if (ep.booleans() != BoolStyle.defaultFor(m.runtime())) {
                e.put("booleans", ep.booleans().id());
            }
            Map<String, Object> params = new TreeMap<>();
            ep.params().forEach((pn, p) -> {
                Map<String, Object> pm = new TreeMap<>();
                pm.put("type", p.type().id());
                pm.put("required", p.required());
                if (p.defaultValue() != null) {
                    pm.put("default", p.defaultValue());
                }
                if (!p.choices().isEmpty()) {
                    pm.put("choices", p.choices());
                }
                if (!p.description().isEmpty()) {
                    pm.put("description", p.description());
                }
                params.put(pn, pm);
            });
            e.put("params", params);
            eps.put(name, e);
        });
        root.put("entrypoints", eps);
        Map<String, Object> files = new TreeMap<>();
        m.files().forEach((path, f) -> {
            Map<String, Object> fm = new TreeMap<>();
            fm.put("sha256", f.sha256().hex());
            fm.put("size", f.size());
            if (f.executable()) {
                fm.put("executable", true);
            }
            files.put(path, fm);
        });
        root.put("files", files);
        try {
            String text = Canonical.MAPPER.writeValueAsString(root) + "\n";
            return text.getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a manifest always serialises", e);
        }
    }

    /** The writer of canonical JSON, loaded only when a manifest is written: reading one needs the streaming parser only. */
    private static final class Canonical {
        static final ObjectMapper MAPPER = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    }
}
