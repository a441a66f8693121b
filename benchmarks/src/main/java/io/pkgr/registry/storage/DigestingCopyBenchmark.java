package io.pkgr.registry.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The upload hashing stream: 16 MiB through {@link DigestingCopy} (sha256 + md5 + blake2b-256,
 * 64 KiB buffer, what a PyPI upload costs) into a discarding stream, beside sha256 alone (a native publish). ops/s × 16 = MiB/s. This is the CPU
 * ceiling of a single upload before any disk write.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DigestingCopyBenchmark {

    static final int SIZE = 16 * 1024 * 1024;
    private byte[] data;

    @Setup
    public void setUp() {
        data = new byte[SIZE];
        new Random(1).nextBytes(data);
    }

    /** sha256 + md5 + blake2b-256 over 16 MiB, as every upload is hashed. */
    @Benchmark
    public Digests allThreeDigests() throws IOException {
        return new DigestingCopy().copy(new ByteArrayInputStream(data), OutputStream.nullOutputStream(), Long.MAX_VALUE);
    }

    /** sha256 alone through the same copy, as the native API's publish hashes since it needs no other digest. */
    @Benchmark
    public Digests sha256Only() throws IOException {
        return new DigestingCopy(false).copy(new ByteArrayInputStream(data), OutputStream.nullOutputStream(), Long.MAX_VALUE);
    }
}
