package io.pkgr.benchmarks.bundle;

import io.pkgr.bundle.BundleInfo;
import io.pkgr.bundle.BundleReader;
import io.pkgr.bundle.BundleWriter;
import io.pkgr.bundle.Manifest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Bundle write and read throughput over an 8 MiB payload of 64 files (half random bytes, half
 * source-like text): the reproducible writer (tar + gzip level 6 + sha256 of every file and of the
 * archive) into a discarding stream, and the safe reader's full verification of the result (what
 * the server does to every published bundle). ops/s × 8 = MiB/s of payload.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BundleBenchmark {

    static final int FILES = 64;
    static final int FILE_SIZE = 128 * 1024;

    private Path dir;
    private Manifest manifest;
    private SortedMap<String, Path> payload;
    private Path bundle;

    @Setup
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("pkgr-bundle-bench");
        Random random = new Random(7);
        payload = new TreeMap<>();
        String[] words = "def return import self data model train value for in if else print".split(" ");
        for (int i = 0; i < FILES; i++) {
            byte[] content = new byte[FILE_SIZE];
            if (i % 2 == 0) {
                random.nextBytes(content);
            } else {
                StringBuilder text = new StringBuilder(FILE_SIZE + 16);
                while (text.length() < FILE_SIZE) {
                    text.append(words[random.nextInt(words.length)]).append(random.nextInt(9) == 0 ? '\n' : ' ');
                }
                content = text.substring(0, FILE_SIZE).getBytes(StandardCharsets.US_ASCII);
            }
            Path file = dir.resolve("f" + i + ".py");
            Files.write(file, content);
            payload.put("files/src/f" + i + ".py", file);
        }
        String yaml = "name: bench\nversion: 1.0.0\nruntime: exec\nentrypoints:\n  run: {command: [\"true\"]}\n";
        manifest = Manifest.parseYaml("pkgr.yaml", yaml.getBytes(StandardCharsets.UTF_8));
        bundle = dir.resolve("bench-1.0.0.pkgr");
        BundleWriter.write(manifest, payload, bundle);
    }

    @TearDown
    public void tearDown() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Writes the 8 MiB bundle (compression, hashing) to a discarding stream. */
    @Benchmark
    public BundleInfo write() throws IOException {
        return BundleWriter.write(manifest, payload, OutputStream.nullOutputStream());
    }

    /** Verifies the 8 MiB bundle as the server does on publish: decompress, check every entry and digest. */
    @Benchmark
    public BundleInfo verify() {
        return BundleReader.verify(bundle);
    }
}
