package io.pkgr.registry.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
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
 * 64 KiB buffer) into a discarding stream, beside sha256 alone. ops/s × 16 = MiB/s. This is the CPU
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

    /** sha256 alone over 16 MiB, 64 KiB at a time: the floor for any verified upload. */
    @Benchmark
    public byte[] sha256Only() throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (int off = 0; off < SIZE; off += 64 * 1024) {
            sha.update(data, off, 64 * 1024);
        }
        return sha.digest();
    }
}
