package io.pkgr.registry;

import io.pkgr.api.ApiJson;
import io.pkgr.api.VersionRecord;
import io.pkgr.bundle.Manifest;
import io.pkgr.bundle.Sha256;
import io.pkgr.registry.storage.StoragePaths;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Benchmark data for catalog start-up: writes BUNDLES × VERSIONS version records (with a manifest
 * of a python bundle: requirements, two entrypoints with typed params, ten payload files) straight
 * into a data directory's {@code bundles/}, as a registry that has been publishing for a while holds.
 *
 * <pre>java -cp … io.pkgr.registry.BundleBenchData DATA_DIR [BUNDLES [VERSIONS]]</pre>
 */
public final class BundleBenchData {

    private BundleBenchData() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        int bundles = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int versions = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        for (int b = 0; b < bundles; b++) {
            String name = String.format("team-%03d-model-%04d", b % 50, b);
            for (int v = 0; v < versions; v++) {
                String version = "1." + (v / 5) + "." + (v % 5);
                StringBuilder yaml = new StringBuilder("name: " + name + "\nversion: " + version
                        + "\ndescription: Train and score model " + b + "\nruntime: python\npython: \">=3.10\"\n"
                        + "requirements:\n  - requests==2.31.0\n  - numpy==1.26.4\n  - pandas==2.2.2\n"
                        + "entrypoints:\n  train:\n    command: [\"python\", \"-m\", \"model.train\"]\n    params:\n"
                        + "      start-date: {type: date, required: true}\n      epochs: {type: int, default: 10}\n"
                        + "  score:\n    command: [\"python\", \"-m\", \"model.score\"]\n    params:\n"
                        + "      input: {type: string, required: true}\n");
                Manifest manifest = Manifest.parseYaml("pkgr.yaml", yaml.toString().getBytes(StandardCharsets.UTF_8));
                String digest = Sha256.ofBytes((name + version).getBytes(StandardCharsets.UTF_8)).hex();
                VersionRecord record = new VersionRecord(manifest.name(), manifest.version(), new Sha256(digest),
                        200_000 + v, ApiJson.MAPPER.readTree(manifest.toCanonicalJson()), "ci-bot",
                        Instant.parse("2025-01-01T00:00:00Z").plusSeconds(b * 1000L + v), v == 2, v == 2 ? "bad model" : null);
                Path file = data.resolve(StoragePaths.bundleRecord(manifest.name(), manifest.version()).value());
                Files.createDirectories(file.getParent());
                Files.write(file, ApiJson.bytes(record));
            }
        }
        System.out.println("wrote " + bundles * versions + " version records of " + bundles + " bundles");
    }
}
