package io.pkgr.registry.pypi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.bouncycastle.crypto.digests.Blake2bDigest;

/** Minimal wheels built in memory, and the upload form twine would send for a file. */
final class TestDists {

    private TestDists() {
    }

    static String metadata(String name, String version) {
        return "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\nRequires-Python: >=3.8\n\nA test.\n";
    }

    static byte[] wheel(String name, String version, String payload) throws IOException {
        String dist = name.replace('-', '_') + "-" + version;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            put(zip, name.replace('-', '_') + "/__init__.py", "X = '" + payload + "'\n");
            put(zip, dist + ".dist-info/METADATA", metadata(name, version));
            put(zip, dist + ".dist-info/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n");
            // pip refuses to install a wheel without a RECORD; it does not check the (empty) hashes
            put(zip, dist + ".dist-info/RECORD", name.replace('-', '_') + "/__init__.py,,\n"
                    + dist + ".dist-info/METADATA,,\n" + dist + ".dist-info/WHEEL,,\n" + dist + ".dist-info/RECORD,,\n");
        }
        return bytes.toByteArray();
    }

    static String wheelName(String name, String version) {
        return name.replace('-', '_') + "-" + version + "-py3-none-any.whl";
    }

    private static void put(ZipOutputStream zip, String name, String content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
    }

    /** Every field twine 4 sends for a wheel, with correct digests. */
    static Multipart form(String name, String version, String filename, byte[] content) {
        return new Multipart()
                .field(":action", "file_upload")
                .field("protocol_version", "1")
                .field("metadata_version", "2.1")
                .field("name", name)
                .field("version", version)
                .field("filetype", filename.endsWith(".whl") ? "bdist_wheel" : "sdist")
                .field("pyversion", filename.endsWith(".whl") ? "py3" : "source")
                .field("summary", "A test")
                .field("requires_python", ">=3.8")
                .field("classifiers", "Programming Language :: Python :: 3")
                .field("classifiers", "License :: OSI Approved :: MIT License")
                .field("requires_dist", "requests>=2")
                .field("md5_digest", hex("MD5", content))
                .field("sha256_digest", hex("SHA-256", content))
                .field("blake2_256_digest", blake2(content))
                .file("content", filename, content);
    }

    static String hex(String algorithm, byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String blake2(byte[] content) {
        Blake2bDigest digest = new Blake2bDigest(256);
        digest.update(content, 0, content.length);
        byte[] out = new byte[32];
        digest.doFinal(out, 0);
        return HexFormat.of().formatHex(out);
    }
}
