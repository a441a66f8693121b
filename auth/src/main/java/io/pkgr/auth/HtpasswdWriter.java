package io.pkgr.auth;

import io.pkgr.bundle.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * Adds, updates and removes users in an htpasswd file, as {@code htpasswd -B} would, but
 * atomically: the new content goes to a temp file beside the target, is fsynced, and is moved
 * over it, so readers (and a crash) see the old file or the new one, never a mix. Every other
 * line, comments included, is kept byte for byte.
 */
public final class HtpasswdWriter {

    /** The bcrypt cost used unless configured (Apache's default is 5; 12 costs about 0.25 s). */
    public static final int DEFAULT_BCRYPT_COST = 12;
    /** The lowest cost Apache {@code htpasswd -C} accepts. */
    public static final int MIN_BCRYPT_COST = 4;
    /** The highest cost Apache {@code htpasswd -C} accepts. */
    public static final int MAX_BCRYPT_COST = 17;

    private static final Set<PosixFilePermission> NEW_FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Object IN_PROCESS_LOCK = new Object();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private final int bcryptCost;

    /** A writer for {@code file} with bcrypt cost {@value #DEFAULT_BCRYPT_COST}. */
    public HtpasswdWriter(Path file) {
        this(file, DEFAULT_BCRYPT_COST);
    }

    /** A writer for {@code file} hashing with bcrypt at {@code bcryptCost} (4 to 17). */
    public HtpasswdWriter(Path file, int bcryptCost) {
        if (bcryptCost < MIN_BCRYPT_COST || bcryptCost > MAX_BCRYPT_COST) {
            throw new IllegalArgumentException("bcrypt cost must be between " + MIN_BCRYPT_COST + " and "
                    + MAX_BCRYPT_COST + ", not " + bcryptCost);
        }
        this.file = Objects.requireNonNull(file).toAbsolutePath();
        this.bcryptCost = bcryptCost;
    }

    /**
     * Sets the password of {@code user}, adding the user if absent; creates the file (mode 0600)
     * if needed. Returns true when the user existed. The caller may clear {@code password} afterwards.
     */
    public boolean put(String user, char[] password) throws IOException {
        requireValidUserName(user);
        String line = user + ":" + bcrypt(password) + "\n";
        return rewrite(user, line.getBytes(StandardCharsets.UTF_8));
    }

    /** Removes every line of {@code user}; returns whether there was one. A missing file has no users. */
    public boolean remove(String user) throws IOException {
        requireValidUserName(user);
        if (!Files.exists(file)) {
            return false;
        }
        return rewrite(user, null);
    }

    /** The users with a valid entry in the file, sorted; empty when the file does not exist. */
    public Set<String> users() throws IOException {
        if (!Files.exists(file)) {
            return Set.of();
        }
        try {
            return new TreeSet<>(HtpasswdFile.parse(file, Files.readAllBytes(file), null).entries.keySet());
        } catch (WatchedFile.RejectedFileException e) {
            throw new IOException(e.getMessage(), e); // not thrown without a previous snapshot
        }
    }

    /** Throws IllegalArgumentException unless {@code user} can be written as an htpasswd user name. */
    public static void requireValidUserName(String user) {
        if (user == null || user.isEmpty() || !HtpasswdFile.isValidUserName(user)
                || !user.equals(user.strip()) || user.startsWith("#")
                || user.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new IllegalArgumentException("invalid user name: it must be 1 to 255 bytes, without ':',"
                    + " control characters, surrounding blanks or a leading '#'");
        }
    }

    private String bcrypt(char[] password) {
        return bcryptHash(password, bcryptCost);
    }

    /** A bcrypt ({@code $2y$}) hash of {@code password} at {@code cost}, as {@link #put} stores it. */
    public static String bcryptHash(char[] password, int cost) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] bytes = Arrays.copyOf(encoded.array(), encoded.limit());
        Arrays.fill(encoded.array(), (byte) 0);
        try {
            byte[] salt = new byte[16];
            RANDOM.nextBytes(salt);
            return OpenBSDBCrypt.generate("2y", bytes, salt, cost);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** Replaces the first line of {@code user} by {@code newLine} (or appends it) and drops the others. */
    private boolean rewrite(String user, byte[] newLine) throws IOException {
        synchronized (IN_PROCESS_LOCK) {
            Path dir = file.getParent();
            Files.createDirectories(dir);
            Path lockFile = dir.resolve("." + file.getFileName() + ".lock");
            try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock lock = lockChannel.lock(); // against another process (a second `pkgr user`)
                try {
                    return rewriteLocked(user, newLine);
                } finally {
                    lock.release();
                }
            }
        }
    }

    private boolean rewriteLocked(String user, byte[] newLine) throws IOException {
        byte[] old = readIfExists();
        List<byte[]> lines = splitLines(old == null ? new byte[0] : old);
        boolean found = false;
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            byte[] line = lines.get(i);
            if (user.equals(userOf(line, i == 0))) {
                if (!found && newLine != null) {
                    out.add(newLine);
                }
                found = true;
            } else {
                out.add(line);
            }
        }
        if (!found && newLine != null) {
            if (!out.isEmpty() && !endsWithNewline(out.get(out.size() - 1))) {
                out.set(out.size() - 1, concat(out.get(out.size() - 1), "\n".getBytes(StandardCharsets.US_ASCII)));
            }
            out.add(newLine);
        }
        if (found || newLine != null) {
            writeAtomically(out, old != null);
        }
        return found;
    }

    private byte[] readIfExists() throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private void writeAtomically(List<byte[]> lines, boolean existed) throws IOException {
        // keep e.g. 0640 for a web server group; a new file is owner-only
        String mode = existed ? modeOf(file) : PosixFilePermissions.toString(NEW_FILE_MODE);
        AtomicFiles.write(file, mode, temp -> {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                for (byte[] line : lines) {
                    ByteBuffer b = ByteBuffer.wrap(line);
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                }
            }
            return null;
        });
    }

    private static String modeOf(Path existing) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(existing, PosixFileAttributeView.class);
        return PosixFilePermissions.toString(view != null ? view.readAttributes().permissions() : NEW_FILE_MODE);
    }

    /** The user name of a raw line, read the way {@link HtpasswdFile} reads it, or null. */
    private static String userOf(byte[] line, boolean first) {
        int from = first && HtpasswdFile.startsWithBom(line) ? 3 : 0;
        String s = new String(line, from, line.length - from, StandardCharsets.UTF_8).strip();
        int colon = s.indexOf(':');
        return s.startsWith("#") || colon <= 0 ? null : s.substring(0, colon);
    }

    /** Lines with their own terminators (LF or CRLF), so untouched lines are written back unchanged. */
    private static List<byte[]> splitLines(byte[] content) {
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < content.length; i++) {
            if (content[i] == '\n') {
                lines.add(Arrays.copyOfRange(content, start, i + 1));
                start = i + 1;
            }
        }
        if (start < content.length) {
            lines.add(Arrays.copyOfRange(content, start, content.length));
        }
        return lines;
    }

    private static boolean endsWithNewline(byte[] line) {
        return line.length > 0 && line[line.length - 1] == '\n';
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
