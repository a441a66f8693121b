package io.pkgr.storage.s3;

import java.util.regex.Pattern;

/**
 * {@code s3://BUCKET[/PREFIX]}: the bucket and the key prefix every object of the registry lives
 * under ({@code ""} or ending in {@code /}).
 */
record S3Location(String bucket, String prefix) {

    // S3's bucket naming rules (lower case, digits, dots, hyphens; 3-63), which MinIO and Ceph keep too
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern PREFIX_SEGMENT = Pattern.compile("[A-Za-z0-9_+-][A-Za-z0-9._+-]*");

    static S3Location parse(String location) {
        String rest = location.regionMatches(true, 0, "s3://", 0, 5) ? location.substring(5) : null;
        if (rest == null || rest.isEmpty()) {
            throw invalid(location, "expected s3://BUCKET[/PREFIX]");
        }
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        while (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        if (!BUCKET.matcher(bucket).matches()) {
            throw invalid(location, "'" + bucket + "' is not a bucket name (3-63 of a-z 0-9 . -)");
        }
        if (!prefix.isEmpty()) {
            for (String segment : prefix.split("/", -1)) {
                if (!PREFIX_SEGMENT.matcher(segment).matches()) {
                    throw invalid(location, "the prefix may hold only A-Z a-z 0-9 . _ + - and '/' between segments");
                }
            }
        }
        return new S3Location(bucket, prefix.isEmpty() ? "" : prefix + "/");
    }

    private static IllegalArgumentException invalid(String location, String why) {
        return new IllegalArgumentException("--storage '" + location + "': " + why);
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + prefix;
    }
}
