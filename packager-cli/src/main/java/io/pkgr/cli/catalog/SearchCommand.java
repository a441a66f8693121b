package io.pkgr.cli.catalog;

import io.pkgr.api.ApiJson;
import io.pkgr.api.SearchResults;
import io.pkgr.cli.CliContext;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.RegistryCommand;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pkgr search}: bundles whose name or description matches. */
@Command(name = "search",
        header = "Search a registry's bundles by name or description.",
        footer = {"", "Examples:", "  pkgr search churn", "  pkgr search '' --json        every bundle you may read"})
public final class SearchCommand extends RegistryCommand {

    @Parameters(paramLabel = "QUERY", description = "Text to look for (case-insensitive)")
    String query;

    @Option(names = "--json", description = "Print the registry's JSON answer")
    boolean json;

    public SearchCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        SearchResults answer = repository.client(context).search(query);
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
