package io.pkgr.cli.lock;

import io.pkgr.api.VersionList;
import io.pkgr.bundle.BundleSpec;
import io.pkgr.bundle.Lockfile;
import io.pkgr.bundle.Manifest;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.Version;
import io.pkgr.bundle.VersionSpec;
import io.pkgr.cli.CliContext;
import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.HelpOption;
import io.pkgr.cli.sign.SignatureOptions;
import io.pkgr.cli.sign.SignaturePolicy;
import io.pkgr.api.VersionRecord;
import io.pkgr.cli.RepositoryOption;
import io.pkgr.cli.registry.RegistryClient;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pkgr lock}: resolve specs (ranges allowed) to exact versions and digests in pkgr.lock. */
@Command(name = "lock",
        sortOptions = false,
        header = "Resolve bundle specs or a tasks file to exact versions and sha256 in pkgr.lock.",
        customSynopsis = {
                "pkgr lock [OPTIONS] SPEC...              e.g. churn-model^1.4 etl==2.0.1",
                "       pkgr lock [OPTIONS] --tasks pkgr.tasks.yaml",
                "       pkgr lock --check [SPEC... | --tasks pkgr.tasks.yaml]",
        },
        description = {
                "",
                "Resolves each spec against the registry: the highest non-yanked version a range",
                "(^1.4, ~1.4.2, >=1.2,<2, latest) allows; an exact version or a digest as given.",
                "Writes pkgr.lock with the exact version, sha256 and repository of each entry; entries",
                "are named by bundle (SPEC...) or by task (--tasks). 'pkgr run --lock pkgr.lock TASK'",
                "then runs exactly that, verified by digest.",
                "",
                "pkgr.tasks.yaml:",
                "  repository: private          # optional default",
                "  tasks:",
                "    train: {bundle: churn-model^1.4, entrypoint: train}",
                "    score: {bundle: churn-model==1.4.0, entrypoint: score, repository: other}",
                "",
                "With --trusted-keys FILE (or the repository's trusted-keys setting), every locked version",
                "must be signed by one of those keys (exit 7 otherwise, nothing written), and the keys are",
                "pinned in the lock: runs and installs from it then require them (see docs/signing.md).",
                "",
                "--check writes nothing and exits 5 when the lock is stale (a newer matching version,",
                "a changed digest, an entry added or removed), 0 when it is up to date. Without SPEC",
                "or --tasks it reads pkgr.tasks.yaml beside the lock file.",
                "",
                "Options:",
        },
        footer = {
                "",
                "Examples:",
                "  pkgr lock churn-model^1.4",
                "  pkgr lock -r private --tasks pkgr.tasks.yaml",
                "  pkgr lock --trusted-keys release-keys.pub churn-model^1.4",
                "  pkgr lock --register --tasks pkgr.tasks.yaml   retention keeps what it pins",
                "  pkgr lock --check || echo 'pkgr.lock is stale: run pkgr lock'",
        })
public final class LockCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    RepositoryOption repositoryOption = new RepositoryOption();

    @Option(names = "--tasks", paramLabel = "FILE", description = "Lock every task of this tasks file")
    Path tasks;

    @Option(names = {"-o", "--lock-file"}, paramLabel = "FILE", defaultValue = Lockfile.FILE_NAME,
            description = "The lock file to write or check (default: ${DEFAULT-VALUE})")
    Path lockFile;

    @Option(names = "--check", description = "Do not write; exit 5 if the lock file is stale")
    boolean check;

    @Option(names = "--register", description = "Register the lock with each registry it uses, so that retention"
            + " (pkgr admin gc --retention) never removes a version it pins")
    boolean register;

    @Mixin
    SignatureOptions signatureOptions = new SignatureOptions();

    @Mixin
    HelpOption help;

    @Parameters(paramLabel = "SPEC", arity = "0..*", hidden = true)
    List<String> specs = new ArrayList<>();

    private final CliContext context;

    public LockCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path lockPath = context.settings().resolve(lockFile.toString());
        Path tasksPath = tasksFile(lockPath);
        Map<String, Lockfile.Entry> entries = tasksPath != null ? lockTasks(tasksPath, err) : lockSpecs(err);
        Lockfile fresh = new Lockfile(new TreeMap<>(entries), checkSignatures(entries, out));
        if (check) {
            return check(lockPath, fresh, out, err);
        }
        fresh.write(lockPath);
        for (Map.Entry<String, Lockfile.Entry> e : fresh.entries().entrySet()) {
            out.println(describe(e.getKey(), e.getValue()));
        }
        out.println("wrote " + lockFile + " (" + entries.size() + (entries.size() == 1 ? " entry)" : " entries)"));
        if (register) {
            byte[] bytes = fresh.toJson();
            for (String repo : new TreeSet<>(entries.values().stream().map(Lockfile.Entry::repository).toList())) {
                String id = context.registry(repo).registerPins(bytes);
                out.println("registered " + lockFile + " with '" + repo + "' (pin " + id.substring(0, 12) + ")");
            }
        }
        out.flush();
        return ExitCode.OK;
    }

    /**
     * With trusted keys (--trusted-keys, a repository's setting): checks that every locked version
     * is signed by one of them (exit 7 otherwise, nothing written) and returns the keys to pin in
     * the lock, so that every run from it requires them; empty without trusted keys.
     */
    private List<String> checkSignatures(Map<String, Lockfile.Entry> entries, PrintWriter out) {
        java.util.Set<String> pinned = new java.util.LinkedHashSet<>();
        for (Lockfile.Entry e : entries.values()) {
            SignaturePolicy policy = signatureOptions.policy(context, e.repository(), List.of(), lockFile.toString());
            if (!policy.required()) {
                continue;
            }
            VersionRecord record = context.registry(e.repository()).record(e.bundle(), e.version());
            if (!record.sha256().equals(e.sha256())) {
                throw new CliException(ExitCode.INTEGRITY, e.bundle() + " " + e.version() + " changed on the registry"
                        + " while it was locked; run 'pkgr lock' again");
            }
            var signer = policy.check(e.bundle(), e.version(), e.sha256(), record.signature(), context.cache());
            if (!check) {
                out.println(e.bundle() + " " + e.version() + " signed by " + signer.fingerprint()
                        + (signer.comment().isEmpty() ? "" : " (" + signer.comment() + ")"));
            }
            signatureOptions.keysToPin(context, e.repository()).forEach(k -> pinned.add(k.line()));
        }
        return List.copyOf(pinned);
    }

    /** --tasks, else nothing when SPECs are given, else the tasks file beside the lock. */
    private Path tasksFile(Path lockPath) {
        Path tasksPath = tasks != null ? context.settings().resolve(tasks.toString()) : null;
        if (tasksPath != null && !specs.isEmpty()) {
            throw new CliException(ExitCode.USAGE, "give SPEC... or --tasks FILE, not both");
        }
        if (tasksPath == null && specs.isEmpty()) {
            Path beside = lockPath.toAbsolutePath().getParent().resolve(TasksFile.FILE_NAME);
            if (!Files.isRegularFile(beside)) {
                throw new CliException(ExitCode.USAGE, "nothing to lock: give SPEC... (e.g. churn-model^1.4) or --tasks "
                        + TasksFile.FILE_NAME);
            }
            tasksPath = beside;
        }
        return tasksPath;
    }

    /** One entry per task, each from -r, else the task's repository, else the default one. */
    private Map<String, Lockfile.Entry> lockTasks(Path tasksPath, PrintWriter err) {
        String repository = repositoryOption.name();
        Map<String, Lockfile.Entry> entries = new TreeMap<>();
        TasksFile file = TasksFile.read(tasksPath);
        for (Map.Entry<String, TasksFile.Task> t : file.tasks().entrySet()) {
            TasksFile.Task task = t.getValue();
            String repo = repository != null ? repository : task.repository() != null ? task.repository()
                    : context.repositoryName(null);
            entries.put(t.getKey(), lock(context.registry(repo), repo, task.bundle(), task.entrypoint(), t.getKey(), err));
        }
        return entries;
    }

    /** One entry per SPEC, named by bundle. */
    private Map<String, Lockfile.Entry> lockSpecs(PrintWriter err) {
        Map<String, Lockfile.Entry> entries = new TreeMap<>();
        String repo = context.repositoryName(repositoryOption.name());
        for (String s : specs) {
            BundleSpec bundleSpec = BundleSpec.parse(s);
            String key = bundleSpec.name().value();
            if (entries.containsKey(key)) {
                throw new CliException(ExitCode.USAGE, bundleSpec.name() + " is given twice");
            }
            entries.put(key, lock(context.registry(repo), repo, bundleSpec, null, key, err));
        }
        return entries;
    }

    private int check(Path lockPath, Lockfile fresh, PrintWriter out, PrintWriter err) {
        if (!Files.isRegularFile(lockPath)) {
            throw new CliException(ExitCode.CONFLICT, lockFile + " does not exist: run 'pkgr lock' to create it");
        }
        Lockfile current = Lockfile.read(lockPath);
        List<String> changes = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(current.entries().keySet());
        keys.addAll(fresh.entries().keySet());
        for (String key : keys) {
            Lockfile.Entry was = current.entries().get(key);
            Lockfile.Entry now = fresh.entries().get(key);
            if (was == null) {
                changes.add(key + ": not in the lock (would lock " + now.bundle() + " " + now.version() + ")");
            } else if (now == null) {
                changes.add(key + ": locked but no longer asked for");
            } else if (!was.version().equals(now.version())) {
                changes.add(key + ": locked " + was.bundle() + " " + was.version() + ", now resolves to " + now.version());
            } else if (!was.sha256().equals(now.sha256())) {
                changes.add(key + ": " + was.bundle() + " " + was.version() + " was locked as " + was.sha256()
                        + " but the registry now has " + now.sha256());
            } else if (!Objects.equals(was.entrypoint(), now.entrypoint()) || !Objects.equals(was.repository(), now.repository())
                    || !was.bundle().equals(now.bundle())) {
                changes.add(key + ": entrypoint, repository or bundle changed");
            }
        }
        if (!current.trustedKeys().equals(fresh.trustedKeys())) {
            changes.add("trustedKeys: the pinned keys differ from the trusted keys now given");
        }
        if (changes.isEmpty()) {
            out.println(lockFile + " is up to date (" + fresh.entries().size() + " entries)");
            out.flush();
            return ExitCode.OK;
        }
        changes.forEach(c -> err.println("  " + c));
        throw new CliException(ExitCode.CONFLICT, lockFile + " is stale (" + changes.size() + " change"
                + (changes.size() == 1 ? "" : "s") + "): run 'pkgr lock' to update it");
    }

    private static Lockfile.Entry lock(RegistryClient client, String repo, BundleSpec spec, String entrypoint,
                                       String key, PrintWriter err) {
        VersionList list = client.versions(spec.name());
        Version chosen = null;
        Sha256 sha = null;
        List<Version> candidates = new ArrayList<>();
        for (VersionList.Item v : list.versions()) {
            Version version = v.version();
            Sha256 digest = v.sha256();
            boolean yanked = v.yanked();
            if (spec.version() instanceof VersionSpec.Digest d) {
                if (d.sha256().equals(digest)) {
                    chosen = version;
                    sha = digest;
                }
            } else if (spec.version() instanceof VersionSpec.Exact e) {
                if (e.version().equals(version)) {
                    chosen = version;
                    sha = digest;
                    if (yanked) {
                        err.println("pkgr: warning: " + spec.name() + " " + version + " is yanked"
                                + (v.yankReason() != null ? " (" + v.yankReason() + ")" : ""));
                    }
                }
            } else if (!yanked) {
                candidates.add(version);
            }
        }
        if (chosen == null && !(spec.version() instanceof VersionSpec.Digest) && !(spec.version() instanceof VersionSpec.Exact)) {
            chosen = spec.version().best(candidates).orElse(null);
            if (chosen != null) {
                sha = list.find(chosen).orElseThrow().sha256();
            }
        }
        if (chosen == null) {
            throw new CliException(ExitCode.NOT_FOUND, key + ": no " + (candidates.isEmpty() ? "" : "non-yanked ")
                    + "version of " + spec.name() + " on '" + repo + "' matches " + spec.version()
                    + (candidates.isEmpty() ? "" : " (there are: " + String.join(", ", candidates.stream().map(Version::toString).toList()) + ")"));
        }
        if (entrypoint != null) {
            Manifest manifest = Manifest.parseJson(client.record(spec.name(), chosen).manifest().toString()
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (!manifest.entrypoints().containsKey(entrypoint)) {
                throw new CliException(ExitCode.USAGE, key + ": " + spec.name() + " " + chosen + " has no entrypoint '"
                        + entrypoint + "' (it has: " + String.join(", ", manifest.entrypoints().keySet()) + ")");
            }
        }
        return new Lockfile.Entry(spec.name(), chosen, sha, repo, entrypoint);
    }

    private static String describe(String key, Lockfile.Entry e) {
        return key + "  " + e.bundle() + " " + e.version() + "  " + e.sha256().shortHex()
                + (e.entrypoint() != null ? "  " + e.entrypoint() : "") + "  (" + e.repository() + ")";
    }
}
