package io.pkgr.registry;

import io.pkgr.bundle.BundleWriter;
import io.pkgr.bundle.Manifest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Real bundles written by the bundle module's writer, and hostile archives crafted entry by entry. */
final class TestBundles {

    private TestBundles() {
    }

    static Manifest manifest(String name, String version) {
        String yaml = "name: " + name + "\nversion: " + version + "\ndescription: test bundle " + name
                + "\nruntime: exec\nentrypoints:\n  main:\n    command: [\"./run.sh\"]\n";
        return Manifest.parseYaml("pkgr.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    }

    /** A valid bundle with one small file whose content is {@code content}. */
    static byte[] bundle(Path work, String name, String version, String content) throws IOException {
        Path file = writeBundle(work, name, version, content.getBytes(StandardCharsets.UTF_8));
        return Files.readAllBytes(file);
    }

    /** A valid bundle file holding {@code payload} as files/data.bin. */
    static Path writeBundle(Path work, String name, String version, byte[] payload) throws IOException {
        Path dir = Files.createTempDirectory(work, "src");
        Path data = Files.write(dir.resolve("data.bin"), payload);
        TreeMap<String, Path> files = new TreeMap<>();
        files.put("files/data.bin", data);
        Path target = dir.resolve(name + "-" + version + ".pkgr");
        BundleWriter.write(manifest(name, version), files, target);
        return target;
    }

    /** A valid bundle of about {@code size} incompressible bytes, streamed from a seeded generator. */
    static Path largeBundle(Path work, String name, String version, long size) throws IOException {
        Path dir = Files.createTempDirectory(work, "large");
        Path data = dir.resolve("data.bin");
        Random random = new Random(42);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(data)) {
            for (long left = size; left > 0; left -= chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        }
        TreeMap<String, Path> files = new TreeMap<>();
        files.put("files/data.bin", data);
        Path target = dir.resolve(name + "-" + version + ".pkgr");
        BundleWriter.write(manifest(name, version), files, target);
        Files.delete(data);
        return target;
    }

    /** A tar.gz whose pkgr.json is valid but which also holds an entry escaping with '..'. */
    static byte[] tarSlip(String name, String version) {
        return tgz(tar -> {
            entry(tar, "pkgr.json", manifest(name, version).toCanonicalJson());
            entry(tar, "files/../../../evil.txt", "owned".getBytes(StandardCharsets.UTF_8));
        });
    }

    /** A small tar.gz that inflates to {@code inflated} bytes of zeros. */
    static byte[] gzipBomb(String name, String version, long inflated) {
        return tgz(tar -> {
            entry(tar, "pkgr.json", manifest(name, version).toCanonicalJson());
            TarArchiveEntry e = new TarArchiveEntry("files/bomb", true);
            e.setSize(inflated);
            tar.putArchiveEntry(e);
            byte[] zeros = new byte[1 << 16];
            for (long left = inflated; left > 0; left -= zeros.length) {
                tar.write(zeros, 0, (int) Math.min(zeros.length, left));
            }
            tar.closeArchiveEntry();
        });
    }

    /** A gzip member holding one tar entry named {@code name} (e.g. '../escaped'), to append to a bundle. */
    static byte[] escapingMember(String name) {
        return tgz(tar -> entry(tar, name, "escaped".getBytes(StandardCharsets.UTF_8)));
    }

    /** A tar.gz with a valid empty-payload pkgr.json and a directory entry {@code dir} before it. */
    static byte[] withDirectoryEntry(String name, String version, String dir) {
        return tgz(tar -> {
            tar.putArchiveEntry(new TarArchiveEntry(dir));
            tar.closeArchiveEntry();
            entry(tar, "pkgr.json", manifest(name, version).toCanonicalJson());
        });
    }

    static byte[] concat(byte[] first, byte[] second) {
        byte[] both = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private interface TarBody {
        void write(TarArchiveOutputStream tar) throws IOException;
    }

    private static byte[] tgz(TarBody body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            body.write(tar);
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void entry(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setSize(content.length);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
    }
}
