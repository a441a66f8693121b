package io.pkgr.cli.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import io.pkgr.cli.CliContext;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.RegistryCommand;
import java.io.PrintWriter;
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
        JsonNode answer = repository.client(context).search(query);
        if (json) {
            out.println(answer);
        } else {
            JsonNode results = answer.path("results");
            int nameWidth = 4;
            int versionWidth = 6;
            for (JsonNode r : results) {
                nameWidth = Math.max(nameWidth, r.path("name").asText().length());
                versionWidth = Math.max(versionWidth, r.path("latest").asText("-").length());
            }
            String format = "%-" + nameWidth + "s  %-" + versionWidth + "s  %s%n";
            if (results.isEmpty()) {
                spec.commandLine().getErr().println("no bundles match '" + query + "'");
            } else {
                out.printf(format, "NAME", "LATEST", "DESCRIPTION");
                for (JsonNode r : results) {
                    out.printf(format, r.path("name").asText(), r.path("latest").asText("-"), r.path("description").asText(""));
                }
            }
        }
        out.flush();
        return ExitCode.OK;
    }
}
