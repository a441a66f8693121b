package io.pkgr.registry.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The proxies (load balancers) whose {@code X-Forwarded-For} the registry believes, as CIDR blocks.
 * Only when the connection comes from one of them is the header read, right to left: each hop a
 * trusted proxy added is skipped, and the first address not in the list is the client. Whatever a
 * client writes into the header itself sits left of that and is never believed, so nobody escapes
 * the failed-login limiter or forges a log line by sending the header. Empty (the default): the
 * header is ignored and the client is the connection's peer.
 */
public final class TrustedProxies {

    /** Believes no proxy. */
    public static final TrustedProxies NONE = new TrustedProxies(List.of(), "");

    private final List<Block> blocks;
    private final String spelling;

    private TrustedProxies(List<Block> blocks, String spelling) {
        this.blocks = blocks;
        this.spelling = spelling;
    }

    /**
     * Parses {@code 10.0.0.0/8,127.0.0.1,::1/128}: comma-separated addresses or CIDR blocks (IPv4 or
     * IPv6 literals, never host names). Throws {@link IllegalArgumentException} naming the bad entry.
     */
    public static TrustedProxies parse(String list) {
        if (list == null || list.isBlank()) {
            return NONE;
        }
        List<Block> blocks = new ArrayList<>();
        for (String raw : list.split(",")) {
            String entry = raw.strip();
            if (entry.isEmpty()) {
                continue;
            }
            blocks.add(Block.parse(entry));
        }
        return new TrustedProxies(List.copyOf(blocks), list.strip());
    }

    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    /** Whether {@code address} is one of the trusted proxies. */
    public boolean contains(InetAddress address) {
        for (Block block : blocks) {
            if (block.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The client behind {@code peer}: {@code peer} itself unless it is trusted; then the rightmost
     * untrusted address of the {@code X-Forwarded-For} values (in the order the headers came). A value
     * that is not an IP literal ends the walk there: the hop before it is the client.
     */
    public InetAddress client(InetAddress peer, List<String> forwardedFor) {
        if (blocks.isEmpty() || !contains(peer) || forwardedFor == null || forwardedFor.isEmpty()) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwardedFor) {
            hops.addAll(Arrays.asList(header.split(",")));
        }
        InetAddress client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            InetAddress hop = literal(hops.get(i).strip());
            if (hop == null) {
                return client;
            }
            client = hop;
            if (!contains(hop)) {
                return hop;
            }
        }
        return client;
    }

    /**
     * The scheme the client used, as the trusted proxy {@code peer} says in {@code X-Forwarded-Proto}:
     * {@code http} or {@code https} from the last value (the one the proxy next to this server
     * set); null when {@code peer} is not trusted or says nothing usable.
     */
    public String scheme(InetAddress peer, List<String> forwardedProto) {
        if (blocks.isEmpty() || !contains(peer) || forwardedProto == null || forwardedProto.isEmpty()) {
            return null;
        }
        String last = forwardedProto.get(forwardedProto.size() - 1);
        String value = last.substring(last.lastIndexOf(',') + 1).strip().toLowerCase(java.util.Locale.ROOT);
        return value.equals("https") || value.equals("http") ? value : null;
    }

    @Override
    public String toString() {
        return spelling;
    }

    /** An IPv4 or IPv6 literal (brackets and an IPv4 port allowed, as some proxies write them), or null. */
    static InetAddress literal(String text) {
        String s = text;
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            if (end < 0) {
                return null;
            }
            s = s.substring(1, end);
        } else if (s.indexOf(':') > 0 && s.indexOf(':') == s.lastIndexOf(':') && s.indexOf('.') > 0) {
            s = s.substring(0, s.indexOf(':'));
        }
        return exact(s);
    }

    /** A bare IPv4 (four decimal parts) or IPv6 literal, or null; never a host name, so never a DNS lookup. */
    static InetAddress exact(String s) {
        boolean v6 = s.indexOf(':') >= 0;
        if (v6 ? !s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')
                : !IPV4.matcher(s).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(v6 ? "[" + s + "]" : s);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static final java.util.regex.Pattern IPV4 =
            java.util.regex.Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    private record Block(byte[] network, int prefix) {

        static Block parse(String entry) {
            int slash = entry.indexOf('/');
            String host = slash < 0 ? entry : entry.substring(0, slash);
            InetAddress address = exact(host);
            if (address == null) {
                throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR block (e.g. 10.0.0.0/8)");
            }
            int bits = address.getAddress().length * 8;
            int prefix = bits;
            if (slash >= 0) {
                String p = entry.substring(slash + 1);
                if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > bits) {
                    throw new IllegalArgumentException("'" + entry + "' has a bad prefix length (0 to " + bits + ")");
                }
                prefix = Integer.parseInt(p);
            }
            return new Block(address.getAddress(), prefix);
        }

        boolean contains(InetAddress address) {
            byte[] candidate = address.getAddress();
            if (candidate.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (candidate[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (candidate[full] & mask) == (network[full] & mask);
        }

        @Override
        public String toString() {
            return Arrays.toString(network).toLowerCase(Locale.ROOT) + "/" + prefix;
        }
    }
}
