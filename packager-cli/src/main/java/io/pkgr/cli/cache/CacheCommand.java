package io.pkgr.cli.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pkgr.cli.CliContext;
import io.pkgr.cli.CliException;
import io.pkgr.cli.CommandGroup;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.JsonFields;
import io.pkgr.cli.Progress;
import io.pkgr.cli.runtime.python.WheelStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pkgr cache}: where the cache is, what it holds, and removing what has not been used lately. */
@Command(name = "cache",
        header = "Show and clean the cache of bundles and environments.",
        description = {
                "",
                "The cache ($PKGR_CACHE_DIR, else $XDG_CACHE_HOME/pkgr or ~/.cache/pkgr) holds",
                "bundles/sha256/ (pulled bundles and their version records), envs/ (one installed",
                "environment per digest, runtime and platform), wheels/ (the wheel store:",
                "each wheel unpacked and byte-compiled once per interpreter, linked into",
                "every environment that uses it) and runs/ (run directories).",
        },
        footer = {
                "",
                "Examples:",
                "  pkgr cache path",
                "  pkgr cache list",
                "  pkgr cache gc --keep-days 14",
        },
        mixinStandardHelpOptions = true,
        subcommands = {CacheCommand.PathCommand.class, CacheCommand.ListCommand.class, CacheCommand.GcCommand.class})
public final class CacheCommand extends CommandGroup {

    /** The writer of {@code --json}, created on first use: data binding costs more than listing a cache. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    /** One environment of {@code pkgr cache list}: name, version, runtime, own size, wheels linked, last used, directory. */
    private static final String ROW = "%-30s %-12s %-8s %10s  %-18s %-20s %s%n";

    /** {@code pkgr cache path}. */
    @Command(name = "path", header = "Print the cache directory.", mixinStandardHelpOptions = true)
    public static final class PathCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final CliContext context;

        public PathCommand(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            spec.commandLine().getOut().println(context.cache().root());
            spec.commandLine().getOut().flush();
            return ExitCode.OK;
        }
    }

    /** {@code pkgr cache list}. */
    @Command(name = "list", header = "List installed environments and the wheel store: what each holds, what is shared.",
            description = {
                    "SIZE counts the files an environment holds alone. WHEELS is how many",
                    "wheel-store entries it links and their size, held once in the store",
                    "however many environments link them.",
            },
            mixinStandardHelpOptions = true)
    public static final class ListCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "One JSON object per line (the store's last)")
        boolean json;

        private final CliContext context;

        public ListCommand(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            CacheLayout layout = context.cache();
            WheelStore store = new WheelStore(layout);
            Map<String, WheelStore.Summary> entries = new TreeMap<>();
            for (String key : store.keys()) {
                entries.put(key, store.summary(key));
            }
            Map<String, Integer> users = new HashMap<>();
            if (!json) {
                out.printf(ROW, "NAME", "VERSION", "RUNTIME", "SIZE", "WHEELS", "LAST USED", "DIRECTORY");
            }
            for (Path dir : envDirs(layout)) {
                Set<String> refs = WheelStore.references(dir);
                refs.forEach(k -> users.merge(k, 1, Integer::sum));
                long wheelBytes = refs.stream().map(entries::get).filter(Objects::nonNull)
                        .mapToLong(WheelStore.Summary::bytes).sum();
                listEnvironment(out, dir, FileOps.ownSize(dir), refs.size(), wheelBytes);
            }
            long storeBytes = entries.values().stream().mapToLong(WheelStore.Summary::bytes).sum();
            long shared = users.values().stream().filter(n -> n > 1).count();
            long unused = entries.keySet().stream().filter(k -> !users.containsKey(k)).count();
            if (json) {
                out.println(Json.MAPPER.createObjectNode().put("store", layout.wheelsDir().toString()).put("wheels", entries.size())
                        .put("size", storeBytes).put("shared", shared).put("unused", unused));
            } else {
                out.println("wheel store: " + entries.size() + " wheel(s), " + Progress.human(storeBytes) + "; " + shared
                        + " linked by more than one environment, " + unused + " by none (pkgr cache gc removes those)");
            }
            out.flush();
            return ExitCode.OK;
        }

        private void listEnvironment(PrintWriter out, Path dir, long size, int wheels, long wheelBytes) throws IOException {
            Path marker = dir.resolve(CacheLayout.READY_MARKER);
            String linked = wheels + " (" + Progress.human(wheelBytes) + ")";
            if (!Files.isRegularFile(marker)) {
                if (json) {
                    out.println(Json.MAPPER.createObjectNode().put("dir", dir.toString()).put("ready", false).put("size", size));
                } else {
                    out.printf(ROW, "(incomplete)", "", "", Progress.human(size), linked, "", dir.getFileName());
                }
                return;
            }
            JsonFields m = JsonFields.parse(Files.readAllBytes(marker));
            Instant used = Files.getLastModifiedTime(marker).toInstant();
            if (json) {
                out.println(Json.MAPPER.createObjectNode().put("name", m.text("name"))
                        .put("version", m.text("version")).put("runtime", m.text("runtime"))
                        .put("sha256", m.text("sha256")).put("size", size).put("wheels", wheels)
                        .put("wheelBytes", wheelBytes).put("lastUsed", used.toString()).put("dir", dir.toString())
                        .put("ready", true));
            } else {
                out.printf(ROW, m.text("name"), m.text("version"), m.text("runtime"),
                        Progress.human(size), linked, used.toString().substring(0, 19) + "Z", dir.getFileName());
            }
        }
    }

    /** {@code pkgr cache gc}. */
    @Command(name = "gc", header = "Remove what was not used for N days, and wheels no environment links.",
            description = {
                    "Environments in use (their lock is held) are never removed; incomplete ones are.",
                    "A bundle (and its record) goes when no environment uses it and it is older than N days.",
                    "A wheel of the store goes when no remaining environment links it, whatever",
                    "its age, unless an install holds its lock (it is being unpacked or linked).",
            },
            mixinStandardHelpOptions = true)
    public static final class GcCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--keep-days", paramLabel = "N", defaultValue = "30",
                description = "Keep what was used in the last N days (default: ${DEFAULT-VALUE}; 0 removes everything not in use)")
        int keepDays;

        @Option(names = "--dry-run", description = "Print what would be removed")
        boolean dryRun;

        private final CliContext context;

        public GcCommand(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws IOException {
            if (keepDays < 0) {
                throw new CliException(ExitCode.USAGE, "--keep-days must be 0 or more");
            }
            PrintWriter out = spec.commandLine().getOut();
            CacheLayout layout = context.cache();
            Sweep sweep = new Sweep(Instant.now().minus(Duration.ofDays(keepDays)), out);
            Set<String> keptDigests = sweepEnvironments(layout, sweep);
            sweepBundles(layout, keptDigests, sweep);
            sweepRuns(layout, sweep);
            // the store before the blobs: a blob linked only by a removed entry's wheel.whl goes in the same run
            sweepWheels(layout, sweep);
            sweepBlobs(layout, keptDigests, sweep);
            if (!dryRun) {
                pruneIndex(layout);
            }
            out.println((dryRun ? "would remove " : "removed ") + sweep.envs + " environment(s), " + sweep.bundles
                    + " bundle(s), " + sweep.blobs + " blob(s), " + sweep.runs + " run director" + (sweep.runs == 1 ? "y" : "ies")
                    + ", " + sweep.wheels + " store wheel(s); "
                    + Progress.human(sweep.freed) + (dryRun ? " would be freed" : " freed"));
            out.flush();
            return ExitCode.OK;
        }

        /** What one gc removes (or would remove), counted as it goes. */
        private static final class Sweep {
            final Instant cutoff;
            final PrintWriter out;
            long freed;
            int envs;
            int bundles;
            int blobs;
            int runs;
            int wheels;
            /** Wheel sha256s (hex) of store entries removed (or, on a dry run, that would be), one per entry. */
            final java.util.List<String> goneWheels = new java.util.ArrayList<>();
            /** Environments removed (or, on a dry run, that would be): their wheels are no longer linked. */
            final Set<Path> goneEnvs = new HashSet<>();

            Sweep(Instant cutoff, PrintWriter out) {
                this.cutoff = cutoff;
                this.out = out;
            }
        }

        /** Removes environments unused since the cutoff; returns the digests of those that stay. */
        private Set<String> sweepEnvironments(CacheLayout layout, Sweep sweep) throws IOException {
            Set<String> keptDigests = new HashSet<>();
            for (Path dir : envDirs(layout)) {
                String key = dir.getFileName().toString();
                Path marker = dir.resolve(CacheLayout.READY_MARKER);
                boolean ready = Files.isRegularFile(marker);
                Instant used = ready ? Files.getLastModifiedTime(marker).toInstant() : Instant.EPOCH;
                if (ready && used.isAfter(sweep.cutoff)) {
                    keptDigests.add(key.substring(0, 64));
                    continue;
                }
                // files linked from the wheel store are freed with the store's entry, if that goes too
                long size = FileOps.ownSize(dir);
                if (dryRun) {
                    sweep.out.println("would remove " + dir);
                } else if (!removeUnlessInUse(layout, key, dir)) {
                    keptDigests.add(key.substring(0, 64));
                    continue;
                }
                sweep.freed += size;
                sweep.envs++;
                sweep.goneEnvs.add(dir);
            }
            return keptDigests;
        }

        /** Removes bundles (and records) older than the cutoff that no kept environment uses. */
        private void sweepBundles(CacheLayout layout, Set<String> keptDigests, Sweep sweep) throws IOException {
            if (!Files.isDirectory(layout.bundlesDir())) {
                return;
            }
            try (Stream<Path> files = Files.list(layout.bundlesDir())) {
                for (Path f : files.toList()) {
                    String name = f.getFileName().toString();
                    if (name.length() < 64 || keptDigests.contains(name.substring(0, 64))
                            || Files.getLastModifiedTime(f).toInstant().isAfter(sweep.cutoff)) {
                        continue;
                    }
                    sweep.freed += Files.size(f);
                    if (name.endsWith(".pkgr")) {
                        sweep.bundles++;
                    }
                    if (dryRun) {
                        sweep.out.println("would remove " + f);
                    } else {
                        Files.deleteIfExists(f);
                    }
                }
            }
        }

        /**
         * Removes held blobs (bundle layers) older than the cutoff that no environment links to: an
         * environment's {@code deps/} files are hard links to the blobs, so a blob whose link count
         * is 1 is used by none (a copied file, on another file system, is fetched again if needed).
         * The files layers of kept environments' bundles stay, for a rebuild without network.
         */
        private void sweepBlobs(CacheLayout layout, Set<String> keptDigests, Sweep sweep) throws IOException {
            if (!Files.isDirectory(layout.blobsDir())) {
                return;
            }
            Set<String> keptLayers = new HashSet<>();
            for (String hex : keptDigests) {
                Path layers = layout.layersFile(io.pkgr.bundle.Sha256.parse(hex));
                try {
                    com.fasterxml.jackson.databind.JsonNode node = new com.fasterxml.jackson.databind.ObjectMapper()
                            .readTree(layers.toFile());
                    keptLayers.add(node.path("files").path("sha256").asText());
                } catch (IOException e) {
                    // no layers (installed from a whole file) or unreadable: nothing to keep for it
                }
            }
            try (Stream<Path> walk = Files.walk(layout.blobsDir())) {
                for (Path f : walk.filter(Files::isRegularFile).toList()) {
                    String hex = f.getFileName().toString();
                    // on a dry run the store entries that would go still link their wheel here
                    int gone = dryRun ? (int) sweep.goneWheels.stream().filter(hex::equals).count() : 0;
                    if (Files.getLastModifiedTime(f).toInstant().isAfter(sweep.cutoff) || links(f) - gone > 1
                            || keptLayers.contains(f.getFileName().toString())) {
                        continue;
                    }
                    sweep.freed += Files.size(f);
                    if (f.getFileName().toString().matches("[0-9a-f]{64}")) {
                        sweep.blobs++;
                    }
                    if (dryRun) {
                        sweep.out.println("would remove " + f);
                    } else {
                        Files.deleteIfExists(f);
                    }
                }
            }
        }

        private static int links(Path f) {
            try {
                return (Integer) Files.getAttribute(f, "unix:nlink");
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                return 1;
            }
        }

        /** Removes run directories older than the cutoff. */
        private void sweepRuns(CacheLayout layout, Sweep sweep) throws IOException {
            if (!Files.isDirectory(layout.runsDir())) {
                return;
            }
            try (Stream<Path> dirs = Files.list(layout.runsDir())) {
                for (Path d : dirs.toList()) {
                    if (Files.getLastModifiedTime(d).toInstant().isAfter(sweep.cutoff)) {
                        continue;
                    }
                    sweep.freed += FileOps.size(d);
                    sweep.runs++;
                    if (dryRun) {
                        sweep.out.println("would remove " + d);
                    } else {
                        FileOps.deleteTree(d);
                    }
                }
            }
        }

        /** Removes store entries no remaining environment links to; the store checks the links again under each entry's lock. */
        private void sweepWheels(CacheLayout layout, Sweep sweep) throws IOException {
            WheelStore store = new WheelStore(layout);
            Supplier<Set<String>> linked = () -> {
                Set<String> keys = new HashSet<>();
                try {
                    for (Path dir : envDirs(layout)) {
                        if (!sweep.goneEnvs.contains(dir)) {
                            keys.addAll(WheelStore.references(dir));
                        }
                    }
                } catch (IOException e) {
                    throw new CliException(ExitCode.FAILURE, "cannot list " + layout.envsDir() + ": " + e.getMessage());
                }
                return keys;
            };
            Set<String> kept = linked.get();
            for (String key : store.keys()) {
                if (kept.contains(key)) {
                    continue;
                }
                long size = FileOps.size(layout.wheelEntry(key));
                // a wheel.whl that is also a blob under blobs/ is freed (and counted) with that blob
                Path wheel = layout.wheelEntry(key).resolve("wheel.whl");
                Path blob = layout.blobsDir().resolve(key.substring(0, 2)).resolve(key.substring(0, 64));
                try {
                    if (Files.isSameFile(wheel, blob)) {
                        size -= Files.size(wheel);
                    }
                } catch (IOException | RuntimeException e) {
                    // no twin under blobs/
                }
                if (dryRun) {
                    sweep.out.println("would remove " + layout.wheelEntry(key));
                } else if (!store.removeUnlessInUse(key, linked)) {
                    continue;
                }
                sweep.freed += size;
                sweep.wheels++;
                sweep.goneWheels.add(key.substring(0, 64));
            }
        }

        /** Takes the environment's lock without waiting: a run or install holding it keeps the environment. */
        private static boolean removeUnlessInUse(CacheLayout layout, String key, Path dir) throws IOException {
            Path lockFile = layout.envLock(key);
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock lock;
                try {
                    lock = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock == null) {
                    return false;
                }
                try {
                    // Unpublish first, so a concurrent reader never uses a half-deleted environment.
                    Files.deleteIfExists(dir.resolve(CacheLayout.READY_MARKER));
                    FileOps.deleteTree(dir);
                } finally {
                    lock.release();
                }
            }
            Files.deleteIfExists(lockFile);
            return true;
        }

        /** Index entries whose record is gone would send warm runs to the registry for nothing; drop them. */
        private static void pruneIndex(CacheLayout layout) throws IOException {
            if (!Files.isDirectory(layout.indexDir())) {
                return;
            }
            List<Path> stale = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(layout.indexDir())) {
                for (Path f : walk.filter(Files::isRegularFile).toList()) {
                    String hex = Files.readString(f).trim();
                    if (!hex.matches("[0-9a-f]{64}") || !Files.exists(layout.bundlesDir().resolve(hex + ".json"))) {
                        stale.add(f);
                    }
                }
            }
            for (Path f : stale) {
                Files.deleteIfExists(f);
            }
        }
    }

    static List<Path> envDirs(CacheLayout layout) throws IOException {
        if (!Files.isDirectory(layout.envsDir())) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(layout.envsDir())) {
            return s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }
}
