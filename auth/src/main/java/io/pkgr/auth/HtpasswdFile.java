package io.pkgr.auth;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * An Apache htpasswd file, read in every format {@code htpasswd} writes and reloaded when it
 * changes; a broken or half-written file keeps the last good version.
 */
public final class HtpasswdFile {

    /** How often, at most, a request triggers a check of the file. */
    public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(1);

    private static final Logger LOG = System.getLogger(HtpasswdFile.class.getName());

    private final WatchedFile<Snapshot> file;

    private HtpasswdFile(Path path, Duration reloadInterval, LongSupplier nanoTicker,
                         Consumer<Set<String>> changedUsers, Consumer<UsersChange> changes) throws IOException {
        this.file = new WatchedFile<>(path, "htpasswd file",
                (content, previous) -> parse(path, content, previous),
                reloadInterval.toNanos(), nanoTicker,
                (before, after) -> {
                    changedUsers.accept(changedUsers(before, after));
                    UsersChange change = UsersChange.between(before.entries, after.entries);
                    if (!change.isEmpty()) {
                        changes.accept(change);
                    }
                });
    }

    /** Opens {@code path}, failing only if it cannot be read at all; malformed lines are logged and skipped. */
    public static HtpasswdFile open(Path path) throws IOException {
        return open(path, DEFAULT_RELOAD_INTERVAL, System::nanoTime, users -> { });
    }

    static HtpasswdFile open(Path path, Duration reloadInterval, LongSupplier nanoTicker,
                             Consumer<Set<String>> changedUsers) throws IOException {
        return new HtpasswdFile(path, reloadInterval, nanoTicker, changedUsers, change -> { });
    }

    static HtpasswdFile open(Path path, Duration reloadInterval, LongSupplier nanoTicker,
                             Consumer<Set<String>> changedUsers, Consumer<UsersChange> changes) throws IOException {
        return new HtpasswdFile(path, reloadInterval, nanoTicker, changedUsers, changes);
    }

    /** The file this was read from. */
    public Path path() {
        return file.path();
    }

    /** The user names with a valid entry, sorted. */
    public Set<String> users() {
        return Collections.unmodifiableSet(new TreeSet<>(file.current().entries.keySet()));
    }

    /** Checks {@code password} for {@code user} by a full hash verification (no cache, no limiter). */
    public boolean verify(String user, byte[] password) {
        Snapshot s = snapshot();
        PasswordHash hash = s.entries.get(user);
        if (hash == null) {
            s.dummy.matches(password); // same work as for a real user: no enumeration by timing
            return false;
        }
        return hash.matches(password);
    }

    Snapshot snapshot() {
        return file.current();
    }

    boolean checkNow() {
        return file.checkNow();
    }

    /**
     * The parsed content: valid entries (first per user wins) and the hash that unknown users
     * are verified against.
     */
    static final class Snapshot {
        final Map<String, PasswordHash> entries;
        final PasswordHash dummy;

        Snapshot(Map<String, PasswordHash> entries) {
            this.entries = entries;
            this.dummy = dummyFor(entries);
        }

        PasswordHash hashOf(String user) {
            return entries.get(user);
        }
    }

    /**
     * A hash to verify unknown users against: the file's most expensive entry, so an unknown name
     * costs what the costliest known one does. With mixed costs (first-start admin at bcrypt 12,
     * {@code htpasswd -B} users at 5) the most common cost would let the slow account stand out
     * from unknown names by timing. Its result is always discarded.
     */
    private static PasswordHash dummyFor(Map<String, PasswordHash> entries) {
        PasswordHash costliest = null;
        for (PasswordHash hash : entries.values()) {
            if (costliest == null || hash.relativeCost() > costliest.relativeCost()) {
                costliest = hash;
            }
        }
        return costliest != null ? costliest : FALLBACK_DUMMY;
    }

    /** Bcrypt cost 12 of a random password nobody knows; used when the file has no entry. */
    private static final PasswordHash FALLBACK_DUMMY = PasswordHash.parse(
            "$2y$12$oGT9lCCexJemtPtdAnnSv.tdEovYT.jNPA.mQJcqPjhHmUTYl6xs2").orElseThrow();

    static Snapshot parse(Path path, byte[] content, Snapshot previous) throws WatchedFile.RejectedFileException {
        if (content.length == 0 && previous != null && !previous.entries.isEmpty()) {
            // `> file` truncates before writing: an empty file is far more likely mid-rewrite
            // than a wish to remove every user (leave a comment line for that).
            throw new WatchedFile.RejectedFileException("the file is empty");
        }
        Map<String, PasswordHash> entries = new LinkedHashMap<>();
        int start = startsWithBom(content) ? 3 : 0;
        int lineNo = 0;
        int malformed = 0;
        boolean lastLineMalformed = false;
        while (start < content.length) {
            int end = indexOf(content, (byte) '\n', start);
            int next = end < 0 ? content.length : end + 1;
            lineNo++;
            String problem = parseLine(content, start, end < 0 ? content.length : end, entries);
            lastLineMalformed = problem != null;
            if (problem != null) {
                malformed++;
                LOG.log(Level.WARNING, "{0} line {1}: {2}; line skipped", path, lineNo, problem);
            }
            start = next;
        }
        boolean unterminated = content.length > 0 && content[content.length - 1] != '\n';
        if (previous != null && unterminated && lastLineMalformed) {
            throw new WatchedFile.RejectedFileException("the last line is cut off (file being written?)");
        }
        if (previous != null && entries.isEmpty() && malformed > 0) {
            throw new WatchedFile.RejectedFileException("no valid entry, " + malformed + " malformed line(s)");
        }
        return new Snapshot(Collections.unmodifiableMap(entries));
    }

    /** Adds the line's entry to {@code entries}; returns why the line was skipped, or null. */
    private static String parseLine(byte[] content, int from, int to, Map<String, PasswordHash> entries) {
        String line;
        try {
            line = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content, from, to - from)).toString();
        } catch (CharacterCodingException e) {
            return "not valid UTF-8";
        }
        line = line.strip(); // as Apache's config reader: CR, leading and trailing blanks go
        if (line.isEmpty() || line.startsWith("#")) {
            return null;
        }
        int colon = line.indexOf(':');
        if (colon < 0) {
            return "no colon";
        }
        String user = line.substring(0, colon);
        if (user.isEmpty()) {
            return "empty user name";
        }
        if (!isValidUserName(user)) {
            return "user name with a control character";
        }
        // Apache reads the hash up to the next colon; later fields are ignored.
        int secondColon = line.indexOf(':', colon + 1);
        String encoded = line.substring(colon + 1, secondColon < 0 ? line.length() : secondColon);
        var hash = PasswordHash.parse(encoded);
        if (hash.isEmpty()) {
            return encoded.isEmpty() ? "empty password hash" : "unknown or corrupt password hash";
        }
        if (entries.containsKey(user)) {
            return "duplicate entry for user '" + user + "' (the first one applies)";
        }
        entries.put(user, hash.get());
        return null;
    }

    static boolean isValidUserName(String user) {
        for (int i = 0; i < user.length(); i++) {
            char c = user.charAt(i);
            if (c < 0x20 || c == 0x7f || c == ':') {
                return false;
            }
        }
        return !user.isEmpty();
    }

    static boolean startsWithBom(byte[] b) {
        return b.length >= 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF;
    }

    private static int indexOf(byte[] b, byte value, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == value) {
                return i;
            }
        }
        return -1;
    }

    private static Set<String> changedUsers(Snapshot before, Snapshot after) {
        Set<String> changed = new TreeSet<>();
        for (var e : before.entries.entrySet()) {
            PasswordHash now = after.entries.get(e.getKey());
            if (now == null || !now.encoded().equals(e.getValue().encoded())) {
                changed.add(e.getKey());
            }
        }
        return changed;
    }
}
