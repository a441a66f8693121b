package io.pkgr.cli.install;

import io.pkgr.bundle.BundleSpec;
import io.pkgr.bundle.Lockfile;
import io.pkgr.cli.CliContext;
import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import java.nio.file.Path;
import java.util.List;

/**
 * What the positional words of {@code run}/{@code install} name: a pinned bundle (and an
 * entrypoint), or a lock entry (whose entrypoint may be locked too), plus the words left over,
 * and the trusted keys the lock pins (empty when none or not from a lock).
 */
public record Target(ResolvedBundle bundle, String entrypoint, List<String> rest, List<String> pinnedKeys) {

    /**
     * @param needEntrypoint true for run (the entrypoint is required), false for install
     */
    public static Target resolve(CliContext context, Resolver resolver, Path lock, String repository, List<String> words,
                          boolean needEntrypoint) {
        if (lock != null) {
            if (words.isEmpty()) {
                throw new CliException(ExitCode.USAGE, "--lock needs a TASK: the name of an entry in " + lock);
            }
            Lockfile lockfile = Lockfile.read(context.settings().resolve(lock.toString()));
            Lockfile.Entry entry = lockfile.entry(words.get(0));
            int next = 1;
            String entrypoint = entry.entrypoint();
            if (entrypoint == null && needEntrypoint) {
                if (words.size() < 2) {
                    throw new CliException(ExitCode.USAGE, "lock entry '" + words.get(0) + "' locks a bundle without an"
                            + " entrypoint: pass it after the entry name");
                }
                entrypoint = words.get(next++);
            }
            return new Target(resolver.resolve(entry, repository), entrypoint, words.subList(next, words.size()),
                    lockfile.trustedKeys());
        }
        if (words.isEmpty() || (needEntrypoint && words.size() < 2)) {
            throw new CliException(ExitCode.USAGE, needEntrypoint
                    ? "expected NAME==VERSION ENTRYPOINT [--param=value ...] or --lock FILE TASK"
                    : "expected NAME==VERSION or --lock FILE [TASK]");
        }
        BundleSpec spec = BundleSpec.parse(words.get(0));
        ResolvedBundle bundle = resolver.resolve(spec, repository);
        return needEntrypoint ? new Target(bundle, words.get(1), words.subList(2, words.size()), List.of())
                : new Target(bundle, null, words.subList(1, words.size()), List.of());
    }
}
