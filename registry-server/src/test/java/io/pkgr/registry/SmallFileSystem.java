package io.pkgr.registry;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real, small file system: a tmpfs mounted for one test, so "the disk is full" is ENOSPC from the
 * kernel, not a simulation. Mounting needs root (CI and the dev machines run tests as root);
 * elsewhere the test is skipped with the reason, never silently passed.
 */
public final class SmallFileSystem implements AutoCloseable {

    private final Path mountPoint;
    private final Path filler;

    private SmallFileSystem(Path mountPoint) {
        this.mountPoint = mountPoint;
        this.filler = mountPoint.resolve("filler");
    }

    /** Mounts a tmpfs of {@code size} (e.g. "2m") at {@code mountPoint}, or skips the test. */
    public static SmallFileSystem mount(Path mountPoint, String size) throws IOException {
        Files.createDirectories(mountPoint);
        String result = run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs", mountPoint.toString());
        Assumptions.assumeTrue(result == null, () -> "cannot mount a tmpfs here (needs root): " + result);
        return new SmallFileSystem(mountPoint);
    }

    public Path root() {
        return mountPoint;
    }

    /** Takes every free byte with one file, outside whatever directory the registry uses. */
    public void fill() throws IOException {
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            for (int size = chunk.length; size > 0; size /= 2) {
                try {
                    while (true) {
                        out.write(chunk, 0, size);
                        out.flush();
                    }
                } catch (IOException full) {
                    // ENOSPC at this size: try smaller writes to take the last pages too
                }
            }
        } catch (IOException closingAFullFile) {
            // closing flushes nothing more; the bytes written stay
        }
        if (Files.getFileStore(mountPoint).getUsableSpace() > 0) {
            throw new IllegalStateException("test set-up: the file system still has room");
        }
    }

    /** Gives the space back. */
    public void free() throws IOException {
        Files.deleteIfExists(filler);
    }

    @Override
    public void close() {
        String result = run("umount", mountPoint.toString());
        if (result != null) {
            run("umount", "-l", mountPoint.toString()); // busy: detach now, released when unused
        }
    }

    /** Runs a command; null on success, else what it printed. */
    private static String run(String... cmd) {
        try {
            Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return String.join(" ", cmd) + ": timed out";
            }
            return p.exitValue() == 0 ? null : String.join(" ", cmd) + ": " + out.strip();
        } catch (IOException e) {
            return String.join(" ", cmd) + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
