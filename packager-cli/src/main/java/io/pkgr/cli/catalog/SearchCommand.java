package io.pkgr.cli.catalog;

import io.pkgr.api.ApiJson;
import io.pkgr.api.SearchResults;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.HelpOption;
import io.pkgr.cli.RepositoryOption;
import io.pkgr.cli.Settings;
import io.pkgr.cli.registry.RegistryClient;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pkgr search}: bundles whose name or description matches. */
@Command(name = "search",
        header = "Search a registry's bundles by name or description.",
        footer = {"", "Examples:", "  pkgr search churn", "  pkgr search '' --json        every bundle you may read"})
public final class SearchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Mixin
    RepositoryOption repository;

    @Parameters(paramLabel = "QUERY", description = "Text to look for (case-insensitive)")
    String query;

    @Option(names = "--json", description = "Print the registry's JSON answer")
    boolean json;

    private final Settings settings;

    public SearchCommand() {
        this(Settings.fromSystem());
    }

    public SearchCommand(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        SearchResults answer = new RegistryClient(repository.resolve(settings)).search(query);
        if (json) {
            out.println(ApiJson.text(answer));
        } else {
            List<SearchResults.Hit> results = answer.results();
            int nameWidth = 4;
            int versionWidth = 6;
            for (SearchResults.Hit r : results) {
                nameWidth = Math.max(nameWidth, r.name().value().length());
                versionWidth = Math.max(versionWidth, latest(r).length());
            }
            String format = "%-" + nameWidth + "s  %-" + versionWidth + "s  %s%n";
            if (results.isEmpty()) {
                spec.commandLine().getErr().println("no bundles match '" + query + "'");
            } else {
                out.printf(format, "NAME", "LATEST", "DESCRIPTION");
                for (SearchResults.Hit r : results) {
                    out.printf(format, r.name(), latest(r), r.description());
                }
            }
        }
        out.flush();
        return ExitCode.OK;
    }

    private static String latest(SearchResults.Hit hit) {
        return hit.latest() == null ? "-" : hit.latest().toString();
    }
}
