package io.pkgr.cli.cache;

import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.Version;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Which path of the cache holds what; the only class that knows the layout.
 *
 * <pre>
 * CACHE/bundles/sha256/HEX.pkgr                     downloaded bundles, verified
 * CACHE/bundles/sha256/HEX.json                     their version records (manifest), for offline runs
 * CACHE/bundles/sha256/HEX.layers.json              how the registry stores HEX as layers
 * CACHE/blobs/sha256/AB/HEX                         layers of bundles (wheels, jars, files layers), verified
 * CACHE/index/REPOSITORY/NAME/VERSION               HEX: which digest NAME==VERSION had on REPOSITORY
 * CACHE/envs/HEX-RUNTIME-PLATFORM/                  extracted bundle (+ venv/), .pkgr-ready written last
 * CACHE/envs/.HEX-RUNTIME-PLATFORM.lock             the file lock its builders take
 * CACHE/envs/HEX-…/.pkgr-wheels                    the wheel-store entries the environment links to (gc keeps them)
 * CACHE/wheels/WHEELHEX-CACHETAG/                   a wheel unpacked and byte-compiled for one interpreter tag,
 *                                                   read-only; entry.json lists its files, link.json is what linking
 *                                                   reads (record.csv: its RECORD lines), .pkgr-ready written last
 * CACHE/wheels/.WHEELHEX-CACHETAG.lock              the file lock its builders, linkers and gc take
 * CACHE/runs/NAME-VERSION-TIME-RANDOM/              one fresh working directory per run
 * CACHE/install.log                                 one line per environment built
 * CACHE/interpreters.json                           what each Python interpreter answered, by real path + mtime
 * </pre>
 */
public final class CacheLayout {

    public static final String READY_MARKER = ".pkgr-ready";

    private final Path root;

    public CacheLayout(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    public Path bundlesDir() {
        return root.resolve("bundles").resolve("sha256");
    }

    public Path bundleFile(Sha256 sha256) {
        return bundlesDir().resolve(sha256.hex() + ".pkgr");
    }

    /** How the registry stores a bundle as layers (cached for offline rebuilds from held blobs). */
    public Path layersFile(Sha256 sha256) {
        return bundlesDir().resolve(sha256.hex() + ".layers.json");
    }

    public Path blobsDir() {
        return root.resolve("blobs").resolve("sha256");
    }

    public Path recordFile(Sha256 sha256) {
        return bundlesDir().resolve(sha256.hex() + ".json");
    }

    public Path indexDir() {
        return root.resolve("index");
    }

    public Path indexFile(String repository, BundleName name, Version version) {
        return indexDir().resolve(repository.toLowerCase(Locale.ROOT)).resolve(name.normalized())
                .resolve(version.toString());
    }

    public Path envsDir() {
        return root.resolve("envs");
    }

    public Path envDir(String key) {
        return envsDir().resolve(key);
    }

    public Path envLock(String key) {
        return envsDir().resolve("." + key + ".lock");
    }

    /** The environment's list of the wheel-store entries it links to, one key per line. */
    public static Path envWheels(Path envDir) {
        return envDir.resolve(".pkgr-wheels");
    }

    /** The per-host store of unpacked wheels. */
    public Path wheelsDir() {
        return root.resolve("wheels");
    }

    /** A store entry: {@code key} is the wheel's sha256 hex, a dash and the interpreter's cache tag. */
    public Path wheelEntry(String key) {
        return wheelsDir().resolve(key);
    }

    public Path wheelLock(String key) {
        return wheelsDir().resolve("." + key + ".lock");
    }

    public Path runsDir() {
        return root.resolve("runs");
    }

    public Path installLog() {
        return root.resolve("install.log");
    }

    public Path interpreterProbes() {
        return root.resolve("interpreters.json");
    }

    /** {@code linux-x86_64}, {@code macos-aarch64}: environments hold native code, so they are per platform. */
    public static String platform() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String osId = os.startsWith("mac") ? "macos" : os.startsWith("windows") ? "windows" : os.replaceAll("[^a-z0-9]", "");
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String archId = switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> arch.replaceAll("[^a-z0-9_]", "");
        };
        return osId + "-" + archId;
    }
}
