package io.pkgr.cli.run;

import io.pkgr.cli.CliContext;
import io.pkgr.cli.RepositoryOption;
import io.pkgr.cli.install.EnvironmentOptions;
import io.pkgr.cli.sign.SignatureOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code pkgr run} without picocli: the command an orchestrator calls at every task start.
 *
 * <p>Building picocli's model of every command (annotations read by reflection, one class per
 * command and option) costs more than a warm run's own work, which is a few small file reads. So
 * {@link io.pkgr.cli.Main} first asks this class whether the command line is a {@code run} in one
 * of the plain shapes below; if so it fills a {@link RunCommand} exactly as picocli would and runs
 * the same {@link RunCommand#execute} code. Anything else (help, an unknown or repeated option,
 * {@code -rNAME}, an {@code @argfile}, a missing value, a value starting with {@code -}, a bad
 * duration) is left to picocli, whose answer (message, exit code) is then the one users get.
 *
 * <pre>
 * run [OPTION...] (NAME==VERSION | NAME@sha256:HEX | --lock FILE TASK) [ENTRYPOINT] [--param=value...]
 * OPTION: -r/--repository NAME, --lock FILE, --timeout D, --kill-after D, --output-file PATH,
 *         -e/--env K=V (repeatable), --workdir DIR, --python PATH, --trusted-keys FILE (each as "--opt value"
 *         or "--opt=value", the short ones as "-r value" only), --pass-credentials, --keep-run-dir,
 *         --require-signature, -q/--quiet, -v/--verbose
 * </pre>
 */
public final class WarmStart {

    private static final List<String> VALUED = List.of("-r", "--repository", "--lock", "--timeout", "--kill-after",
            "--output-file", "-e", "--env", "--workdir", "--python", "--trusted-keys");
    private static final List<String> FLAGS = List.of("--pass-credentials", "--keep-run-dir", "-q", "--quiet", "-v",
            "--verbose", "--require-signature");

    private final RunCommand run;

    private WarmStart(RunCommand run) {
        this.run = run;
    }

    /** The run these arguments ask for, or null when picocli must parse them. */
    public static WarmStart parse(CliContext context, String[] args) {
        if (args.length < 2 || !args[0].equals("run")) {
            return null;
        }
        for (String a : args) {
            if (a.startsWith("@")) {
                return null; // picocli reads @FILE as more arguments
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> env = new LinkedHashMap<>();
        java.util.Set<String> flags = new java.util.HashSet<>();
        int i = 1;
        while (i < args.length && args[i].startsWith("-")) {
            String word = args[i++];
            String name = word;
            String value = null;
            int eq = word.indexOf('=');
            if (word.startsWith("--") && eq > 0) {
                name = word.substring(0, eq);
                value = word.substring(eq + 1);
            }
            String key = canonical(name);
            if (FLAGS.contains(name)) {
                if (value != null || !flags.add(key)) {
                    return null;
                }
                continue;
            }
            if (!VALUED.contains(name)) {
                return null; // --help, -h, --, -rNAME, -qv, an unknown option: picocli says what it says
            }
            if (value == null) {
                if (i >= args.length) {
                    return null;
                }
                value = args[i++];
            }
            if (value.isEmpty() || value.startsWith("-")) {
                return null;
            }
            if (key.equals("--env")) {
                int kv = value.indexOf('=');
                if (kv <= 0) {
                    return null;
                }
                env.put(value.substring(0, kv), value.substring(kv + 1));
            } else if (values.put(key, value) != null) {
                return null; // picocli refuses a single-valued option given twice
            }
        }
        if (i >= args.length) {
            return null;
        }
        RunCommand run = new RunCommand(context, EnvironmentOptions.of(values.get("--python"),
                flags.contains("--quiet"), flags.contains("--verbose")));
        try {
            run.repositoryOption = RepositoryOption.of(values.get("--repository"));
            run.lock = path(values.get("--lock"));
            run.timeout = duration(values.get("--timeout"));
            run.killAfter = Durations.parse(values.getOrDefault("--kill-after", "10s"));
            run.outputFile = path(values.get("--output-file"));
            run.workdir = path(values.get("--workdir"));
            run.signatureOptions = SignatureOptions.of(flags.contains("--require-signature"),
                    path(values.get("--trusted-keys")));
        } catch (RuntimeException e) {
            return null; // a bad duration or path: picocli's message
        }
        run.extraEnv.putAll(env);
        run.passCredentials = flags.contains("--pass-credentials");
        run.keepRunDir = flags.contains("--keep-run-dir");
        run.words = Arrays.asList(Arrays.copyOfRange(args, i, args.length));
        return new WarmStart(run);
    }

    /** Runs it: the exit code, or an exception for the one error handler. */
    public int execute(PrintWriter out, PrintWriter err) throws IOException {
        return run.execute(out, err);
    }

    private static String canonical(String name) {
        return switch (name) {
            case "-r" -> "--repository";
            case "-e" -> "--env";
            case "-q" -> "--quiet";
            case "-v" -> "--verbose";
            default -> name;
        };
    }

    private static Path path(String value) {
        return value == null ? null : Path.of(value);
    }

    private static Duration duration(String value) {
        return value == null ? null : Durations.parse(value);
    }
}
