package io.pkgr.cli.run;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.pkgr.bundle.Entrypoint;
import io.pkgr.bundle.Manifest;
import io.pkgr.cli.CliContext;
import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.HelpOption;
import io.pkgr.cli.RepositoryOption;
import io.pkgr.cli.cache.FileOps;
import io.pkgr.cli.install.EnvironmentOptions;
import io.pkgr.cli.install.ResolvedBundle;
import io.pkgr.cli.install.Resolver;
import io.pkgr.cli.install.Target;
import io.pkgr.cli.runtime.Environment;
import io.pkgr.cli.sign.SignatureOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pkgr run}: pull an exact bundle version, install it into the cache once, and run an entrypoint. */
@Command(name = "run",
        sortOptions = false,
        modelTransformer = RunCommand.StopAtPositional.class,
        header = "Run an entrypoint of an exact bundle version in its cached environment.",
        synopsisHeading = "%nUsage: ",
        customSynopsis = {
                "pkgr run [OPTIONS] NAME==VERSION ENTRYPOINT [--param=value ...]",
                "       pkgr run [OPTIONS] NAME@sha256:HEX ENTRYPOINT [--param=value ...]",
                "       pkgr run [OPTIONS] --lock pkgr.lock TASK [--param=value ...]",
        },
        description = {
                "",
                "Checks the parameters against the entrypoint's typed params first (exit 2 naming the",
                "parameter, before any download), pulls the bundle and verifies its sha256 (exit 7 on a",
                "mismatch, nothing installed), installs it once into the cache (python: a venv with the",
                "vendored wheels, offline; jvm: java -cp files:deps/*.jar; exec: the files as they are),",
                "then runs the entrypoint in a fresh working directory. A warm run needs no network.",
                "",
                "pkgr's options go BEFORE the bundle; every word after ENTRYPOINT is a parameter.",
                "Ranges (^1.4, >=1.2, latest) are refused: resolve them once with 'pkgr lock'.",
                "",
                "The entrypoint gets PKGR_BUNDLE, PKGR_VERSION, PKGR_SHA256, PKGR_RUN_DIR and PKGR_OUTPUT.",
                "If it writes JSON to $PKGR_OUTPUT, pkgr prints it compacted as the last stdout line",
                "(Airflow XCom) and copies it to --output-file. Exit code: the entrypoint's own; 124 on",
                "--timeout; 2 usage/params, 3 not found, 4 auth, 6 registry, 7 integrity (a digest that",
                "does not match, or with --require-signature an unsigned or untrusted bundle).",
                "",
                "Options:",
        },
        footer = {
                "",
                "Examples:",
                "  pkgr run churn-model==1.4.0 train --start-date=2024-05-01 --epochs=20",
                "  pkgr run -r private churn-model@sha256:3f2a...e1 score --day=2024-05-01",
                "  pkgr run --lock pkgr.lock train --start-date={{ ds }}",
                "  pkgr run --trusted-keys release-keys.pub churn-model==1.4.0 train --start-date=2024-05-01",
                "  pkgr run --timeout 2h --output-file /airflow/xcom/return.json churn-model==1.4.0 train --start-date=2024-05-01",
                "",
                "Environment: PKGR_REPOSITORY (default -r), PKGR_PYTHON (default --python), PKGR_CACHE_DIR,",
                "PKGR_LINK_MODE (python: clone, hardlink or copy from the wheel store; default: the best that works),",
                "PKGR_STORE_CHECK=files (python: check every file of a store entry before linking it, not only its",
                "directories and wheel).",
                "See docs/run.md for the run contract and cache layout.",
        })
public final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    RepositoryOption repositoryOption = new RepositoryOption();

    @Option(names = "--lock", paramLabel = "FILE", description = "Run the TASK entry of this pkgr.lock (version and sha256 as locked)")
    Path lock;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "Stop the entrypoint's process group after DURATION (90s, 15m, 2h); exit 124")
    Duration timeout;

    @Option(names = "--kill-after", paramLabel = "DURATION", converter = Durations.Converter.class, defaultValue = "10s",
            description = "After --timeout's SIGTERM, SIGKILL the group if still running (default: ${DEFAULT-VALUE})")
    Duration killAfter;

    @Option(names = "--output-file", paramLabel = "PATH",
            description = "Copy the entrypoint's JSON result here (e.g. /airflow/xcom/return.json)")
    Path outputFile;

    @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE", description = "Set an environment variable for the entrypoint (repeatable)")
    Map<String, String> extraEnv = new LinkedHashMap<>();

    @Option(names = "--pass-credentials",
            description = "Pass pkgr's own secrets (PKGR_HTTP_BASIC_*_PASSWORD, PKGR_*TOKEN) on to the entrypoint;"
                    + " by default they are removed from its environment")
    boolean passCredentials;

    @Option(names = "--workdir", paramLabel = "DIR",
            description = "Create the fresh run directory under DIR instead of the cache's runs/ (kept after the run)")
    Path workdir;

    @Option(names = "--keep-run-dir", description = "Keep the run directory under the cache even when the run succeeds")
    boolean keepRunDir;

    @Mixin
    EnvironmentOptions environmentOptions;

    @Mixin
    SignatureOptions signatureOptions = new SignatureOptions();

    @Mixin
    HelpOption help;

    @Parameters(paramLabel = "ARGS", arity = "1..*", hidden = true)
    List<String> words = List.of();

    private final CliContext context;

    /** Built by picocli from the command line. */
    public RunCommand(CliContext context) {
        this.context = context;
    }

    /** Built by {@link WarmStart} from a command line it parsed itself, options already set. */
    RunCommand(CliContext context, EnvironmentOptions environmentOptions) {
        this.context = context;
        this.environmentOptions = environmentOptions;
    }

    @Override
    public Integer call() throws IOException {
        return execute(spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /** The run itself, the same whether picocli or {@link WarmStart} parsed the command line. */
    int execute(PrintWriter out, PrintWriter err) throws IOException {
        signatureOptions.validate(context);
        Target target = Target.resolve(context, new Resolver(context), lock, repositoryOption.name(), words, true);
        ResolvedBundle bundle = target.bundle();
        if (EntrypointHelp.asked(bundle.manifest(), target.entrypoint(), target.rest())) {
            // from the version record: nothing is downloaded to say what an entrypoint takes
            EntrypointHelp.print(out, bundle, target.entrypoint());
            return ExitCode.OK;
        }
        Map<String, String> params = Params.parse(target.rest());
        // Checked against the version record's manifest: no download for a bad DAG.
        bundle.manifest().entrypoint(target.entrypoint()).arguments(params);
        warnIfYanked(bundle, err);
        signatureOptions.policy(context, bundle.repository(), target.pinnedKeys(), String.valueOf(lock))
                .check(bundle, context.cache());
        Environment env = environmentOptions.environments(context, err).prepare(bundle);
        // Run what the verified bundle says, not what a cached record says.
        Manifest manifest = Manifest.parseJson(Files.readAllBytes(env.dir().resolve(Manifest.JSON_FILE)));
        Entrypoint entrypoint = manifest.entrypoint(target.entrypoint());
        List<String> arguments = entrypoint.arguments(params);

        boolean underCache = workdir == null;
        Path runDir = newRunDir(underCache ? context.cache().runsDir() : context.settings().resolve(workdir.toString()), bundle);
        Path output = runDir.resolve(".pkgr-output.json");
        Launch launch = Launch.of(env, entrypoint.command(), arguments, childEnv(target, env, runDir, output));
        out.flush();
        err.flush();
        int code = ChildProcess.run(launch, runDir, timeout, killAfter, bundle + " " + target.entrypoint(), err);
        forwardOutput(output, out, err);
        if (underCache && code == 0 && !keepRunDir) {
            FileOps.deleteTree(runDir);
        } else if (code != 0) {
            // printed even with -q: it is the one place a failed task's files can be found
            err.println("pkgr: " + bundle + " " + target.entrypoint() + " exited with " + code + "; its run directory is "
                    + runDir);
            err.flush();
        }
        return code;
    }

    private static void warnIfYanked(ResolvedBundle bundle, PrintWriter err) {
        if (bundle.yanked()) {
            // a pin is a pin: it runs, as pip installs a yanked version pinned with ==
            err.println("pkgr: warning: " + bundle + " is yanked" + (bundle.yankReason() != null
                    ? " (" + bundle.yankReason() + ")" : "") + "; running it because it is pinned");
            err.flush();
        }
    }

    /** pkgr's environment without its secrets (unless passed on), then -e, then the PKGR_* the contract promises. */
    private Map<String, String> childEnv(Target target, Environment env, Path runDir, Path output) {
        ResolvedBundle bundle = target.bundle();
        Map<String, String> childEnv = new LinkedHashMap<>(
                passCredentials ? context.settings().env() : context.settings().childEnv());
        childEnv.putAll(extraEnv);
        childEnv.put("PKGR_BUNDLE", bundle.name().value());
        childEnv.put("PKGR_VERSION", bundle.version().toString());
        childEnv.put("PKGR_SHA256", bundle.sha256().hex());
        childEnv.put("PKGR_ENTRYPOINT", target.entrypoint());
        childEnv.put("PKGR_ENV_DIR", env.dir().toString());
        childEnv.put("PKGR_RUN_DIR", runDir.toString());
        childEnv.put("PKGR_OUTPUT", output.toString());
        return childEnv;
    }

    private void forwardOutput(Path output, PrintWriter out, PrintWriter err) throws IOException {
        if (!Files.isRegularFile(output) || Files.size(output) == 0) {
            return;
        }
        String compact = compactJson(output);
        if (compact == null) {
            err.println("pkgr: the entrypoint wrote something that is not JSON to PKGR_OUTPUT; not forwarded");
            err.flush();
            return;
        }
        out.println(compact);
        out.flush();
        if (outputFile != null) {
            Path target = context.settings().resolve(outputFile.toString());
            try {
                FileOps.writeAtomically(target, (compact + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw CliException.cannotWrite("the output file", target, e);
            }
        }
    }

    /**
     * The first JSON value in {@code file}, compacted, or null when it holds none (empty, or not
     * JSON up to the end of that value; what follows it is ignored). A streaming copy of its tokens:
     * no data binding is loaded on a task's start.
     */
    static String compactJson(Path file) throws IOException {
        JsonFactory factory = new JsonFactory();
        StringWriter compact = new StringWriter();
        try (JsonParser parser = factory.createParser(file.toFile()); JsonGenerator generator = factory.createGenerator(compact)) {
            if (parser.nextToken() == null) {
                return null;
            }
            generator.copyCurrentStructure(parser);
        } catch (JsonProcessingException e) {
            return null;
        }
        return compact.toString();
    }

    private static Path newRunDir(Path base, ResolvedBundle bundle) {
        String stamp = localNow().format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss"));
        String name = bundle.name().normalized() + "-" + bundle.version() + "-" + stamp + "-"
                + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
        try {
            return Files.createDirectories(base.resolve(name.replace('+', '_')));
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILURE, "cannot create the run directory under " + base + ": " + e.getMessage());
        }
    }

    /**
     * The local date and time, as {@code LocalDateTime.now()} gives it, without its time-zone look-up:
     * {@code ZoneId.systemDefault()} starts {@code ZoneRulesProvider}, whose {@code ServiceLoader} opens
     * every jar on the class path (a quarter of a second of a warm run under load). {@link TimeZone}
     * reads the same time-zone database directly.
     */
    static LocalDateTime localNow() {
        long millis = System.currentTimeMillis();
        int offsetSeconds = TimeZone.getDefault().getOffset(millis) / 1000;
        return LocalDateTime.ofEpochSecond(Math.floorDiv(millis, 1000), (int) Math.floorMod(millis, 1000) * 1_000_000,
                ZoneOffset.ofTotalSeconds(offsetSeconds));
    }

    /** Everything after the bundle belongs to the entrypoint, even words that look like pkgr options. */
    public static final class StopAtPositional implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec commandSpec) {
            commandSpec.parser().stopAtPositional(true);
            return commandSpec;
        }
    }
}
