package io.pkgr.registry.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pkgr.api.ApiJson;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Appends {@link AuditEvent}s to a file, one JSON line each, and rotates it by size: when a line
 * would take the file past {@code maxBytes}, {@code audit.log} becomes {@code audit.log.1} (the
 * older ones move up, the oldest beyond {@code keep} is removed) and a new file starts.
 *
 * <p>Each line is written with one {@code write(2)} on the calling thread before the call returns:
 * changes are rare (publishes, yanks, token changes), and a line must not wait in a queue that a
 * crash would lose. The asynchronous writer of the access log is made for the opposite case
 * (every request) and may hold lines back.
 */
public final class AuditLog implements Closeable {

    private static final System.Logger LOG = System.getLogger(AuditLog.class.getName());
    private static final ObjectMapper JSON = ApiJson.MAPPER;

    private final Path file;
    private final long maxBytes;
    private final int keep;
    private FileChannel channel; // guarded by this
    private long size; // guarded by this

    public AuditLog(Path file, long maxBytes, int keep) throws IOException {
        this.file = file;
        this.maxBytes = maxBytes;
        this.keep = keep;
        Files.createDirectories(file.toAbsolutePath().getParent());
        open();
    }

    /** The file being written. */
    public Path file() {
        return file;
    }

    /** Writes one line; a failure to write is logged, never thrown at the change it describes. */
    public void record(AuditEvent event) {
        byte[] line;
        try {
            byte[] json = JSON.writeValueAsBytes(event);
            line = new byte[json.length + 1];
            System.arraycopy(json, 0, line, 0, json.length);
            line[json.length] = '\n';
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        synchronized (this) {
            try {
                if (size > 0 && size + line.length > maxBytes) {
                    rotate();
                }
                ByteBuffer buffer = ByteBuffer.wrap(line);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                size += line.length;
            } catch (IOException e) {
                LOG.log(Level.ERROR, "cannot write the audit log " + file + "; lost: " + new String(line).strip(), e);
            }
        }
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }

    /** The log files of {@code file}, oldest first: {@code file.N}, …, {@code file.1}, {@code file}. */
    public static List<Path> files(Path file) throws IOException {
        List<Path> found = new ArrayList<>();
        for (int i = 1; ; i++) {
            Path rotated = rotated(file, i);
            if (!Files.exists(rotated)) {
                break;
            }
            found.add(0, rotated);
        }
        if (Files.exists(file)) {
            found.add(file);
        }
        return found;
    }

    private void rotate() throws IOException {
        channel.force(false);
        channel.close();
        Files.deleteIfExists(rotated(file, keep));
        for (int i = keep - 1; i >= 1; i--) {
            Path from = rotated(file, i);
            if (Files.exists(from)) {
                Files.move(from, rotated(file, i + 1), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        Files.move(file, rotated(file, 1), StandardCopyOption.ATOMIC_MOVE);
        open();
    }

    private void open() throws IOException {
        if (!Files.exists(file)) {
            try {
                // who did what may be sensitive: the owner and its group only
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(file);
            }
        }
        channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        size = channel.size();
    }

    private static Path rotated(Path file, int index) {
        return file.resolveSibling(file.getFileName() + "." + index);
    }
}
