package io.pkgr.bundle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Crafts tar.gz archives entry by entry, including ones no honest writer would produce. */
final class Archives {

    private record Item(TarArchiveEntry entry, byte[] content, long zeros) {
    }

    private final List<Item> items = new ArrayList<>();

    static Archives create() {
        return new Archives();
    }

    Archives file(String name, String content) {
        return file(name, content.getBytes(StandardCharsets.UTF_8));
    }

    Archives file(String name, byte[] content) {
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setSize(content.length);
        items.add(new Item(e, content, 0));
        return this;
    }

    /** A file of {@code size} zero bytes, streamed, for bombs. */
    Archives zeros(String name, long size) {
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setSize(size);
        items.add(new Item(e, new byte[0], size));
        return this;
    }

    Archives entry(String name, byte type, String linkTarget) {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        if (linkTarget != null) {
            e.setLinkName(linkTarget);
        }
        items.add(new Item(e, new byte[0], 0));
        return this;
    }

    Archives symlink(String name, String target) {
        return entry(name, TarConstants.LF_SYMLINK, target);
    }

    Archives hardlink(String name, String target) {
        return entry(name, TarConstants.LF_LINK, target);
    }

    /** Adds a pkgr.json listing the files added so far (with their true digests). */
    Archives manifest() {
        TreeMap<String, FileEntry> files = new TreeMap<>();
        for (Item i : items) {
            if (i.entry.isFile() && !i.entry.getName().equals(Manifest.JSON_FILE)) {
                byte[] data = i.zeros > 0 ? new byte[(int) i.zeros] : i.content;
                files.put(i.entry.getName(), new FileEntry(Sha256.ofBytes(data), data.length, false));
            }
        }
        return file(Manifest.JSON_FILE, ManifestTest.parse(ManifestTest.EXAMPLE).withFiles(files).toCanonicalJson());
    }

    byte[] tar() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeTar(out);
        return out.toByteArray();
    }

    byte[] tgz() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out)) {
            writeTar(gz);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    Path writeTo(Path file) {
        try (OutputStream out = Files.newOutputStream(file);
             GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out)) {
            writeTar(gz);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private void writeTar(OutputStream out) {
        try {
            TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            byte[] chunk = new byte[1 << 16];
            for (Item i : items) {
                tar.putArchiveEntry(i.entry);
                tar.write(i.content);
                for (long left = i.zeros; left > 0; left -= chunk.length) {
                    tar.write(chunk, 0, (int) Math.min(chunk.length, left));
                }
                tar.closeArchiveEntry();
            }
            tar.finish();
            tar.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
