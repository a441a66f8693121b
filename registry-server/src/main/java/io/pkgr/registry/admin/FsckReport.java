package io.pkgr.registry.admin;

import java.util.List;

/**
 * What {@link Fsck#run} found: how much it checked, the records whose blobs are missing or wrong
 * ({@code problems}, one line each), and the blobs no record references ({@code unreferenced}, one
 * line each, with their bytes).
 */
public record FsckReport(long records, long blobsChecked, long bytesHashed, List<String> problems,
        List<String> unreferenced, long unreferencedBytes) {

    public FsckReport {
        problems = List.copyOf(problems);
        unreferenced = List.copyOf(unreferenced);
    }

    /** True when every record's blob is there with the recorded size (and, unless quick, digest). */
    public boolean intact() {
        return problems.isEmpty();
    }
}
