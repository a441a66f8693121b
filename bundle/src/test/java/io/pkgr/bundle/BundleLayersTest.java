package io.pkgr.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleLayersTest {

    /**
     * The sha256 the writer gave for {@link #project} before bundles had layers: the writer now
     * shares its code with {@link BundleWriter#assemble}, and a bundle's identity must not move.
     */
    private static final String GOLDEN = "f464e3976d1cf026b2d92f5f03ac6a8c155c54048c879dd5162b15a326af1212";

    @TempDir
    Path tmp;

    private Path project(Path root) throws IOException {
        Files.createDirectories(root.resolve("src/app"));
        Files.createDirectories(root.resolve("deps"));
        Files.writeString(root.resolve("src/app/main.py"), "print('hi')\n");
        Files.writeString(root.resolve("run.sh"), "#!/bin/sh\necho run\n");
        Files.setPosixFilePermissions(root.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        byte[] wheel = new byte[700_000];
        new Random(7).nextBytes(wheel);
        Files.write(root.resolve("deps/numpy-1.0-py3-none-any.whl"), wheel);
        Files.write(root.resolve("deps/tiny-1.0-py3-none-any.whl"), "not really a wheel".getBytes());
        Files.writeString(root.resolve("pkgr.yaml"), """
                name: layered
                version: 1.0.0
                runtime: exec
                include: ["src/**", "run.sh"]
                entrypoints:
                  run: {command: [sh, files/run.sh]}
                """);
        return root;
    }

    private BundleInfo build(Path root, Path out) throws IOException {
        Manifest manifest = Manifest.readYaml(root.resolve("pkgr.yaml"));
        SortedMap<String, Path> payload = new java.util.TreeMap<>(BundleSources.select(root, manifest));
        try (var list = Files.list(root.resolve("deps"))) {
            list.forEach(p -> payload.put("deps/" + p.getFileName(), p));
        }
        return BundleWriter.write(manifest, payload, out);
    }

    @Test
    void theWriterStillGivesTheDigestItGaveBeforeLayers() throws IOException {
        BundleInfo info = build(project(tmp.resolve("p")), tmp.resolve("b.pkgr"));
        assertEquals(GOLDEN, info.sha256().hex());
    }

    @Test
    void splitThenAssembleGivesTheSameBytes() throws IOException {
        Path bundle = tmp.resolve("b.pkgr");
        BundleInfo info = build(project(tmp.resolve("p")), bundle);
        Manifest m = BundleReader.verify(bundle).manifest();
        Map<String, byte[]> blobs = new HashMap<>();
        ByteArrayOutputStream layer = new ByteArrayOutputStream();
        FileEntry layerEntry = BundleLayers.split(Files.newInputStream(bundle), m,
                (path, e, in) -> blobs.put(e.sha256().hex(), in.readAllBytes()), layer);
        assertEquals(2, blobs.size());
        assertEquals(layer.size(), layerEntry.size());
        assertEquals(Sha256.ofBytes(layer.toByteArray()), layerEntry.sha256());

        ByteArrayOutputStream again = new ByteArrayOutputStream();
        BundleInfo assembled = BundleWriter.assemble(m, BundleLayers.source(m, new ByteArrayInputStream(layer.toByteArray()),
                (path, e) -> new ByteArrayInputStream(blobs.get(e.sha256().hex()))), again);
        assertEquals(info.sha256(), assembled.sha256());
        assertEquals(info.sha256(), Sha256.ofBytes(again.toByteArray()));

        // the files layer written from the project is the one split from the bundle
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        Path root = tmp.resolve("p");
        FileEntry direct = BundleLayers.writeFilesLayer(m, (path, e) -> Files.newInputStream(root.resolve(path.substring(6))), written);
        assertEquals(layerEntry.sha256(), direct.sha256());

        Path out = tmp.resolve("x");
        BundleLayers.extractFilesLayer(m, new ByteArrayInputStream(layer.toByteArray()), out);
        assertEquals("print('hi')\n", Files.readString(out.resolve("files/src/app/main.py")));
        assertTrue(Files.isExecutable(out.resolve("files/run.sh")));
    }

    @Test
    void aCorruptBlobIsRefusedByDigestAtAssembly() throws IOException {
        Path bundle = tmp.resolve("b.pkgr");
        build(project(tmp.resolve("p")), bundle);
        Manifest m = BundleReader.verify(bundle).manifest();
        Map<String, byte[]> blobs = new HashMap<>();
        ByteArrayOutputStream layer = new ByteArrayOutputStream();
        BundleLayers.split(Files.newInputStream(bundle), m, (path, e, in) -> blobs.put(e.sha256().hex(), in.readAllBytes()), layer);
        blobs.values().forEach(b -> b[b.length / 2] ^= 1);
        BundleException e = assertThrows(BundleException.class, () -> BundleWriter.assemble(m,
                BundleLayers.source(m, new ByteArrayInputStream(layer.toByteArray()),
                        (path, f) -> new ByteArrayInputStream(blobs.get(f.sha256().hex()))), new ByteArrayOutputStream()));
        assertEquals(BundleException.Code.DIGEST_MISMATCH, e.code());
        assertTrue(e.getMessage().contains("deps/"), e.getMessage());
    }

    static InputStream unused() {
        return null;
    }
}
