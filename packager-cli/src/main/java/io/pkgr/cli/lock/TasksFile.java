package io.pkgr.cli.lock;

import io.pkgr.bundle.BundleException;
import io.pkgr.bundle.BundleSpec;
import io.pkgr.bundle.LocatedNode;
import io.pkgr.bundle.Spelling;
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
        LocatedNode root;
        try {
            root = LocatedNode.parseYaml(content);
        } catch (LocatedNode.ParseException e) {
            throw new CliException(ExitCode.USAGE, source + ":" + e.line() + ": " + e.getMessage()
                    + (e.getMessage().contains("empty") ? " (it needs a 'tasks:' mapping)" : ""));
        }
        List<String> errors = new ArrayList<>();
        Map<String, Task> tasks = new LinkedHashMap<>();
        if (!(root instanceof LocatedNode.Mapping rootMap)) {
            throw new CliException(ExitCode.USAGE, source + ":" + root.line() + ": expected a mapping with 'tasks:'");
        }
        unknownKeys(source, "", rootMap, ROOT_KEYS, errors);
        String defaultRepo = string(source, "repository", rootMap, "repository", false, errors, rootMap.line());
        checkRepository(source, "repository", rootMap.entries().get("repository"), defaultRepo, errors);
        LocatedNode tasksNode = rootMap.entries().get("tasks");
        if (tasksNode == null) {
            errors.add(source + ":" + root.line() + ": tasks: missing (a mapping of task name to bundle and entrypoint)");
        } else if (!(tasksNode instanceof LocatedNode.Mapping taskMap)) {
            errors.add(source + ":" + tasksNode.line() + ": tasks: expected a mapping of task name to bundle and entrypoint");
        } else {
            if (taskMap.entries().isEmpty()) {
                errors.add(source + ":" + tasksNode.line() + ": tasks: no tasks");
            }
            taskMap.entries().forEach((name, node) -> {
                String path = "tasks." + name;
                int keyLine = taskMap.keyLines().get(name);
                if (!TASK_NAME.matcher(name).matches()) {
                    errors.add(source + ":" + keyLine + ": " + path + ": invalid task name (letters, digits, '.', '_', '-')");
                }
                if (!(node instanceof LocatedNode.Mapping fields)) {
                    errors.add(source + ":" + node.line() + ": " + path + ": expected a mapping with bundle and entrypoint");
                    return;
                }
                unknownKeys(source, path + ".", fields, TASK_KEYS, errors);
                String bundleText = string(source, path + ".bundle", fields, "bundle", true, errors, keyLine);
                String entrypoint = string(source, path + ".entrypoint", fields, "entrypoint", true, errors, keyLine);
                String repo = string(source, path + ".repository", fields, "repository", false, errors, keyLine);
                checkRepository(source, path + ".repository", fields.entries().get("repository"), repo, errors);
                BundleSpec spec = null;
                if (bundleText != null) {
                    try {
                        spec = BundleSpec.parse(bundleText);
                    } catch (BundleException e) {
                        errors.add(source + ":" + fields.entries().get("bundle").line() + ": " + path + ".bundle: " + e.getMessage());
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

    private static void unknownKeys(String source, String prefix, LocatedNode.Mapping map, Set<String> known,
                                    List<String> errors) {
        map.keyLines().forEach((key, line) -> {
            if (!known.contains(key)) {
                String hint = Spelling.closest(key, known).map(k -> " (did you mean '" + k + "'?)")
                        .orElse(" (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
                errors.add(source + ":" + line + ": " + prefix + key + ": unknown key" + hint);
            }
        });
    }

    private static String string(String source, String path, LocatedNode.Mapping parent, String key, boolean required,
                                 List<String> errors, int missingLine) {
        LocatedNode node = parent.entries().get(key);
        if (node == null || (node instanceof LocatedNode.Scalar s && s.isNull())) {
            if (required) {
                errors.add(source + ":" + (node != null ? node.line() : missingLine) + ": " + path + ": missing");
            }
            return null;
        }
        if (!(node instanceof LocatedNode.Scalar s) || s.text().isBlank()) {
            errors.add(source + ":" + node.line() + ": " + path + ": expected a non-empty string");
            return null;
        }
        return s.text().trim();
    }

    private static void checkRepository(String source, String path, LocatedNode node, String name, List<String> errors) {
        if (name == null) {
            return;
        }
        try {
            ConfigStore.checkName(name);
        } catch (CliException e) {
            errors.add(source + ":" + node.line() + ": " + path + ": " + e.getMessage());
        }
    }
}
