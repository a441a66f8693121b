package io.pkgr.registry.web;

import io.pkgr.bundle.Entrypoint;
import io.pkgr.bundle.Param;
import io.pkgr.bundle.Sha256;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The lines a bundle page offers to copy, in the forms docs/run.md and docs/airflow.md document.
 * Required parameters get an example value of their type that {@code pkgr run} accepts (Airflow
 * lines use {@code {{ ds }}} / {@code {{ ts }}} for dates), optional ones are left to their
 * defaults, so a copied line runs as it is.
 */
final class Snippets {

    // an Airflow template such as {{ ds }} is rendered before the shell sees the line: no quotes needed
    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9._:/=+@^,-]+(\\{\\{ (ds|ts) }})?");

    private final String name;
    private final String version;
    private final Sha256 sha256;

    Snippets(String name, String version, Sha256 sha256) {
        this.name = name;
        this.version = version;
        this.sha256 = sha256;
    }

    String pin() {
        return name + "==" + version;
    }

    String digestPin() {
        return name + "@sha256:" + sha256.hex();
    }

    /** {@code pkgr run NAME==VERSION ENTRYPOINT --param=value…}. */
    String run(String entrypointName, Entrypoint entrypoint) {
        return shell(runArguments(pin(), entrypointName, entrypoint, false));
    }

    /** The same run pinned by digest. */
    String runByDigest(String entrypointName, Entrypoint entrypoint) {
        return shell(runArguments(digestPin(), entrypointName, entrypoint, false));
    }

    /** An entry of {@code pkgr.tasks.yaml} for {@code pkgr lock --tasks}. */
    String tasksEntry(String entrypointName) {
        return "tasks:\n  " + entrypointName + ": {bundle: " + pin() + ", entrypoint: " + entrypointName + "}";
    }

    String bashOperator(String entrypointName, Entrypoint entrypoint) {
        return "BashOperator(task_id=" + python(entrypointName) + ", bash_command="
                + python(shell(runArguments(pin(), entrypointName, entrypoint, true))) + ")";
    }

    String kubernetesPodOperator(String entrypointName, Entrypoint entrypoint) {
        List<String> arguments = new ArrayList<>(List.of("run", "--output-file", "/airflow/xcom/return.json"));
        List<String> run = runArguments(pin(), entrypointName, entrypoint, true);
        arguments.addAll(run.subList(2, run.size()));
        StringBuilder list = new StringBuilder();
        for (String argument : arguments) {
            list.append(list.isEmpty() ? "" : ", ").append(python(argument));
        }
        return "KubernetesPodOperator(task_id=" + python(entrypointName) + ", name=" + python(name + "-" + entrypointName)
                + ", image=\"pkgr-runner:latest\", cmds=[\"pkgr\"], arguments=[" + list + "], do_xcom_push=True)";
    }

    /** A parameter a run must name: required, with no default to fall back on. */
    static boolean needsValue(Param param) {
        return param.required() && param.defaultValue() == null;
    }

    private static List<String> runArguments(String spec, String entrypointName, Entrypoint entrypoint, boolean airflow) {
        List<String> arguments = new ArrayList<>(List.of("pkgr", "run", spec, entrypointName));
        for (Map.Entry<String, Param> param : entrypoint.params().entrySet()) {
            if (needsValue(param.getValue())) {
                arguments.add("--" + param.getKey() + "=" + example(param.getValue(), airflow));
            }
        }
        return arguments;
    }

    /** A value of the parameter's type that {@code pkgr run} accepts. */
    static String example(Param param, boolean airflow) {
        return switch (param.type()) {
            case STRING -> "example";
            case INT -> "1";
            case FLOAT -> "0.5";
            case BOOL -> "true";
            case DATE -> airflow ? "{{ ds }}" : "2024-05-01";
            case DATETIME -> airflow ? "{{ ts }}" : "2024-05-01T00:00:00+00:00";
            case ENUM -> param.choices().get(0);
            case JSON -> "{}";
        };
    }

    /** Words joined for a POSIX shell, each quoted when it needs to be. */
    static String shell(List<String> words) {
        StringBuilder line = new StringBuilder();
        for (String word : words) {
            if (!line.isEmpty()) {
                line.append(' ');
            }
            line.append(SHELL_SAFE.matcher(word).matches() ? word : "'" + word.replace("'", "'\"'\"'") + "'");
        }
        return line.toString();
    }

    /** A Python string literal. */
    static String python(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
