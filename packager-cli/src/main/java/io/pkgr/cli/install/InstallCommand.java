package io.pkgr.cli.install;

import io.pkgr.bundle.Lockfile;
import io.pkgr.cli.CliContext;
import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.HelpOption;
import io.pkgr.cli.sign.SignatureOptions;
import io.pkgr.cli.RepositoryOption;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pkgr install}: prepare a bundle's environment in the cache without running it. */
@Command(name = "install",
        sortOptions = false,
        header = "Pull, verify and install a bundle into the cache without running it.",
        customSynopsis = {
                "pkgr install [OPTIONS] NAME==VERSION | NAME@sha256:HEX",
                "       pkgr install [OPTIONS] --lock pkgr.lock [TASK]",
        },
        description = {
                "",
                "Does everything 'pkgr run' does before starting the entrypoint: pull, verify the sha256,",
                "install into the content-addressed cache (once, under a lock). Prints the environment",
                "directory of each bundle. Use it in an image build (then runs start warm and need no",
                "network) or to warm a worker. With --lock and no TASK, installs every entry.",
                "",
                "Options:",
        },
        footer = {
                "",
                "Examples:",
                "  pkgr install churn-model==1.4.0",
                "  pkgr install --lock pkgr.lock                  every task of the lock",
                "  pkgr install --trusted-keys release-keys.pub churn-model==1.4.0",
                "  PKGR_CACHE_DIR=/opt/pkgr pkgr install --lock pkgr.lock train     (in a Dockerfile)",
                "  PKGR_STORE_CHECK=files pkgr install churn-model==1.4.0   (python: check every file of the wheel",
                "                                                           store's entries before linking them)",
        })
public final class InstallCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    RepositoryOption repositoryOption = new RepositoryOption();

    @Option(names = "--lock", paramLabel = "FILE", description = "Install the entries of this pkgr.lock (all, or TASK)")
    Path lock;

    @Mixin
    EnvironmentOptions environmentOptions;

    @Mixin
    SignatureOptions signatureOptions = new SignatureOptions();

    @Mixin
    HelpOption help;

    @Parameters(paramLabel = "SPEC|TASK", arity = "0..1", hidden = true)
    String word;

    private final CliContext context;

    public InstallCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Environments environments = environmentOptions.environments(context, spec.commandLine().getErr());
        signatureOptions.validate(context);
        List<Target> targets = targets(new Resolver(context), repositoryOption.name());
        // every signature is checked before anything is installed
        for (Target t : targets) {
            signatureOptions.policy(context, t.bundle().repository(), t.pinnedKeys(), String.valueOf(lock))
                    .check(t.bundle(), context.cache());
        }
        for (Target t : targets) {
            out.println(environments.prepare(t.bundle()).dir());
        }
        out.flush();
        return ExitCode.OK;
    }

    /** Every entry of the lock (each digest once), or the one bundle the word names. */
    private List<Target> targets(Resolver resolver, String repository) {
        List<Target> bundles = new ArrayList<>();
        if (lock != null && word == null) {
            Lockfile lockfile = Lockfile.read(context.settings().resolve(lock.toString()));
            Set<String> seen = new LinkedHashSet<>();
            for (Lockfile.Entry e : lockfile.entries().values()) {
                if (seen.add(e.sha256().hex())) {
                    bundles.add(new Target(resolver.resolve(e, repository), null, List.of(), lockfile.trustedKeys()));
                }
            }
        } else if (word != null) {
            bundles.add(Target.resolve(context, resolver, lock, repository, List.of(word), false));
        } else {
            throw new CliException(ExitCode.USAGE, "expected NAME==VERSION, NAME@sha256:HEX or --lock FILE [TASK]");
        }
        return bundles;
    }
}
