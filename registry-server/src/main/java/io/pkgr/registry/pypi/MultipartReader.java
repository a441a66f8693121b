package io.pkgr.registry.pypi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A streaming {@code multipart/form-data} reader: parts come one at a time, each body as an
 * {@link InputStream} that ends at the next boundary. Memory is one fixed buffer whatever the part
 * sizes, so a file part can stream straight to storage. Anything malformed is a
 * {@link MalformedMultipartException}, never a crash.
 */
final class MultipartReader {

    private static final int BUFFER = 64 * 1024;
    private static final int MAX_HEADER_LINE = 8 * 1024;
    private static final int MAX_HEADERS = 32;
    private static final int MAX_PREAMBLE = 64 * 1024;

    /** One part: its form field name, its filename (null for plain fields) and its body. */
    record Part(String name, String filename, InputStream body) {
    }

    private final InputStream in;
    private final byte[] delimiter;
    private final byte[] buf = new byte[BUFFER];
    private int pos;
    private int limit;
    private boolean eof;
    private PartStream current;
    private boolean finished;

    /** Reads {@code in} as multipart with {@code boundary} (from the Content-Type). */
    MultipartReader(InputStream in, String boundary) {
        if (boundary == null || boundary.isEmpty() || boundary.length() > 200) {
            throw new MalformedMultipartException("missing or invalid multipart boundary");
        }
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        // the first boundary has no CRLF before it: pretend it has, so every delimiter looks the same
        buf[0] = '\r';
        buf[1] = '\n';
        limit = 2;
    }

    /** The boundary parameter of a {@code multipart/form-data} content type, or null. */
    static String boundary(String contentType) {
        if (contentType == null) {
            return null;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].trim().equalsIgnoreCase("multipart/form-data")) {
            return null;
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("boundary")) {
                String value = p.substring(eq + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return value;
            }
        }
        return null;
    }

    /** The next part (the previous one's unread rest is skipped), or null after the closing boundary. */
    Part next() throws IOException {
        if (finished) {
            return null;
        }
        if (current == null) {
            // the preamble before the first boundary: clients send none, garbage may be long
            if (skip(new PartStream()) > MAX_PREAMBLE) {
                throw new MalformedMultipartException("no multipart boundary in the first " + MAX_PREAMBLE + " bytes");
            }
        } else {
            skip(current);
        }
        // after a delimiter: "--" ends the body, otherwise optional padding and CRLF
        if (!fill(2)) {
            throw new MalformedMultipartException("multipart body ends after a boundary");
        }
        if (buf[pos] == '-' && buf[pos + 1] == '-') {
            finished = true;
            return null;
        }
        String rest = readLine();
        if (!rest.isBlank()) {
            throw new MalformedMultipartException("unexpected characters after a multipart boundary");
        }
        String name = null;
        String filename = null;
        for (int count = 0; ; count++) {
            if (count > MAX_HEADERS) {
                throw new MalformedMultipartException("too many headers in a multipart part");
            }
            String line = readLine();
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-disposition")) {
                String value = line.substring(colon + 1);
                name = parameter(value, "name");
                filename = parameter(value, "filename");
            }
        }
        if (name == null) {
            throw new MalformedMultipartException("a multipart part has no Content-Disposition name");
        }
        current = new PartStream();
        return new Part(name, filename, current);
    }

    /** A quoted or plain parameter of a Content-Disposition value; null if absent. */
    static String parameter(String disposition, String key) {
        int i = 0;
        int n = disposition.length();
        while (i < n) {
            int semi = disposition.indexOf(';', i);
            if (semi < 0) {
                return null;
            }
            int start = semi + 1;
            while (start < n && disposition.charAt(start) == ' ') {
                start++;
            }
            int eq = disposition.indexOf('=', start);
            if (eq < 0) {
                return null;
            }
            String k = disposition.substring(start, eq).trim().toLowerCase(Locale.ROOT);
            int v = eq + 1;
            String value;
            int end;
            if (v < n && disposition.charAt(v) == '"') {
                StringBuilder out = new StringBuilder();
                end = v + 1;
                while (end < n && disposition.charAt(end) != '"') {
                    char c = disposition.charAt(end);
                    if (c == '\\' && end + 1 < n) {
                        c = disposition.charAt(++end);
                    }
                    out.append(c);
                    end++;
                }
                value = out.toString();
                end++;
            } else {
                end = disposition.indexOf(';', v);
                end = end < 0 ? n : end;
                value = disposition.substring(v, end).trim();
            }
            if (k.equals(key)) {
                // header bytes were read as ISO-8859-1; clients send UTF-8 names
                return new String(value.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            }
            i = end;
        }
        return null;
    }

    private static long skip(InputStream part) throws IOException {
        byte[] scratch = new byte[8192];
        long total = 0;
        for (int n; (n = part.read(scratch)) != -1; ) {
            total += n;
            if (total > MAX_PREAMBLE && part instanceof PartStream stream && stream.preamble) {
                return total;
            }
        }
        return total;
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            if (!fill(1)) {
                throw new MalformedMultipartException("multipart body ends inside part headers");
            }
            byte b = buf[pos++];
            if (b == '\n') {
                int len = line.length();
                return len > 0 && line.charAt(len - 1) == '\r' ? line.substring(0, len - 1) : line.toString();
            }
            if (line.length() >= MAX_HEADER_LINE) {
                throw new MalformedMultipartException("multipart header line longer than " + MAX_HEADER_LINE + " bytes");
            }
            line.append((char) (b & 0xff));
        }
    }

    /** Makes at least {@code n} bytes available from {@code pos}; false at end of input with fewer. */
    private boolean fill(int n) throws IOException {
        while (limit - pos < n) {
            if (eof) {
                return false;
            }
            if (pos > 0) {
                System.arraycopy(buf, pos, buf, 0, limit - pos);
                limit -= pos;
                pos = 0;
            }
            int read = in.read(buf, limit, buf.length - limit);
            if (read < 0) {
                eof = true;
            } else {
                limit += read;
            }
        }
        return true;
    }

    private int indexOfDelimiter() {
        byte first = delimiter[0];
        int last = limit - delimiter.length;
        outer:
        for (int i = pos; i <= last; i++) {
            if (buf[i] != first) {
                continue;
            }
            for (int j = 1; j < delimiter.length; j++) {
                if (buf[i + j] != delimiter[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** A part's body: the bytes up to the next delimiter, which it consumes at the end. */
    private final class PartStream extends InputStream {
        private final boolean preamble = current == null;
        private boolean done;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            while (true) {
                boolean enough = fill(delimiter.length);
                int found = indexOfDelimiter();
                if (found == pos) {
                    pos += delimiter.length;
                    done = true;
                    return -1;
                }
                int available;
                if (found >= 0) {
                    available = found - pos;
                } else if (!enough) {
                    throw new MalformedMultipartException("multipart body ends without a closing boundary");
                } else {
                    // a delimiter may start in the last bytes: keep them until more arrives
                    available = limit - pos - (delimiter.length - 1);
                }
                if (available > 0) {
                    int n = Math.min(len, available);
                    System.arraycopy(buf, pos, b, off, n);
                    pos += n;
                    return n;
                }
                // fewer bytes than a delimiter buffered: compact and read more
                if (eof) {
                    throw new MalformedMultipartException("multipart body ends without a closing boundary");
                }
                fill(limit - pos + 1);
            }
        }
    }
}
