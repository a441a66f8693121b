package io.pkgr.cli.run;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pkgr.bundle.BundleException;
import io.pkgr.bundle.BundleSpec;
import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.config.ConfigStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code pkgr.tasks.yaml}: which bundle (a spec, ranges allowed) and entrypoint each task runs.
 *
 * <pre>
 * repository: private            # optional default for every task
 * tasks:
 *   train:
 *     bundle: churn-model^1.4
 *     entrypoint: train
 *   score:
 *     bundle: churn-model==1.4.0
 *     entrypoint: score
 *     repository: other          # optional
 * </pre>
 *
 * Every problem is reported at once as {@code FILE:LINE: field.path: message}.
 */
record TasksFile(Map<String, Task> tasks) {

    static final String FILE_NAME = "pkgr.tasks.yaml";
    private static final Pattern TASK_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Set<String> ROOT_KEYS = Set.of("repository", "tasks");
    private static final Set<String> TASK_KEYS = Set.of("bundle", "entrypoint", "repository");

    /** One task: the bundle spec it runs, its entrypoint, its repository (null: the default). */
    record Task(BundleSpec bundle, String entrypoint, String repository) {
    }

    /** A value with the line it started on: a String, a Map of Lined, or a List of Lined. */
    private record Lined(Object value, int line) {
    }

    static TasksFile read(Path file) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCode.USAGE, file + ": not found");
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILURE, "cannot read " + file + ": " + e.getMessage());
        }
        return parse(file.getFileName().toString(), content);
    }

    static TasksFile parse(String source, byte[] content) {
        Lined root;
        try (JsonParser p = new YAMLFactory().createParser(content)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new CliException(ExitCode.USAGE, source + ": empty (it needs a 'tasks:' mapping)");
            }
            root = read(p, source);
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, source + ": not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        List<String> errors = new ArrayList<>();
        Map<String, Task> tasks = new LinkedHashMap<>();
        if (!(root.value() instanceof Map<?, ?> rootMap)) {
            throw new CliException(ExitCode.USAGE, source + ":" + root.line() + ": expected a mapping with 'tasks:'");
        }
        unknownKeys(source, "", asMap(rootMap), ROOT_KEYS, errors);
        String defaultRepo = string(source, "repository", asMap(rootMap).get("repository"), false, errors);
        checkRepository(source, "repository", asMap(rootMap).get("repository"), defaultRepo, errors);
        Lined tasksNode = asMap(rootMap).get("tasks");
        if (tasksNode == null) {
            errors.add(source + ":" + root.line() + ": tasks: missing (a mapping of task name to bundle and entrypoint)");
        } else if (!(tasksNode.value() instanceof Map<?, ?> taskMap)) {
            errors.add(source + ":" + tasksNode.line() + ": tasks: expected a mapping of task name to bundle and entrypoint");
        } else {
            if (taskMap.isEmpty()) {
                errors.add(source + ":" + tasksNode.line() + ": tasks: no tasks");
            }
            asMap(taskMap).forEach((name, node) -> {
                String path = "tasks." + name;
                if (!TASK_NAME.matcher(name).matches()) {
                    errors.add(source + ":" + node.line() + ": " + path + ": invalid task name (letters, digits, '.', '_', '-')");
                }
                if (!(node.value() instanceof Map<?, ?> fieldsRaw)) {
                    errors.add(source + ":" + node.line() + ": " + path + ": expected a mapping with bundle and entrypoint");
                    return;
                }
                Map<String, Lined> fields = asMap(fieldsRaw);
                unknownKeys(source, path + ".", fields, TASK_KEYS, errors);
                String bundleText = string(source, path + ".bundle", fields.get("bundle"), true, errors, node.line());
                String entrypoint = string(source, path + ".entrypoint", fields.get("entrypoint"), true, errors, node.line());
                String repo = string(source, path + ".repository", fields.get("repository"), false, errors);
                checkRepository(source, path + ".repository", fields.get("repository"), repo, errors);
                BundleSpec spec = null;
                if (bundleText != null) {
                    try {
                        spec = BundleSpec.parse(bundleText);
                    } catch (BundleException e) {
                        errors.add(source + ":" + fields.get("bundle").line() + ": " + path + ".bundle: " + e.getMessage());
                    }
                }
                if (spec != null && entrypoint != null) {
                    tasks.put(name, new Task(spec, entrypoint, repo != null ? repo : defaultRepo));
                }
            });
        }
        if (!errors.isEmpty()) {
            throw new CliException(ExitCode.USAGE, String.join("\n", errors));
        }
        return new TasksFile(tasks);
    }

    private static Lined read(JsonParser p, String source) throws IOException {
        int line = p.currentTokenLocation().getLineNr();
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            Map<String, Lined> map = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                int keyLine = p.currentTokenLocation().getLineNr();
                p.nextToken();
                Lined value = read(p, source);
                if (map.containsKey(key)) {
                    throw new CliException(ExitCode.USAGE, source + ":" + keyLine + ": duplicate key '" + key + "'");
                }
                map.put(key, new Lined(value.value(), keyLine));
            }
            return new Lined(map, line);
        }
        if (t == JsonToken.START_ARRAY) {
            List<Lined> list = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                list.add(read(p, source));
            }
            return new Lined(list, line);
        }
        return new Lined(t == JsonToken.VALUE_NULL ? null : p.getText(), line);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Lined> asMap(Map<?, ?> m) {
        return (Map<String, Lined>) m;
    }

    private static void unknownKeys(String source, String prefix, Map<String, Lined> map, Set<String> known,
                                    List<String> errors) {
        map.forEach((key, node) -> {
            if (!known.contains(key)) {
                String hint = known.stream().filter(k -> distance(k, key) <= 2).findFirst()
                        .map(k -> " (did you mean '" + k + "'?)").orElse(" (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
                errors.add(source + ":" + node.line() + ": " + prefix + key + ": unknown key" + hint);
            }
        });
    }

    private static String string(String source, String path, Lined node, boolean required, List<String> errors) {
        return string(source, path, node, required, errors, 0);
    }

    private static String string(String source, String path, Lined node, boolean required, List<String> errors,
                                 int parentLine) {
        if (node == null || node.value() == null) {
            if (required) {
                errors.add(source + ":" + (node != null ? node.line() : parentLine) + ": " + path + ": missing");
            }
            return null;
        }
        if (!(node.value() instanceof String s) || s.isBlank()) {
            errors.add(source + ":" + node.line() + ": " + path + ": expected a non-empty string");
            return null;
        }
        return s.trim();
    }

    private static void checkRepository(String source, String path, Lined node, String name, List<String> errors) {
        if (name == null) {
            return;
        }
        try {
            ConfigStore.checkName(name);
        } catch (CliException e) {
            errors.add(source + ":" + node.line() + ": " + path + ": " + e.getMessage());
        }
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
