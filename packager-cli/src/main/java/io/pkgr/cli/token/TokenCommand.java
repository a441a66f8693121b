package io.pkgr.cli.token;

import io.pkgr.api.ApiJson;
import io.pkgr.api.Tokens;
import io.pkgr.cli.CliContext;
import io.pkgr.cli.CliException;
import io.pkgr.cli.CommandGroup;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.HelpOption;
import io.pkgr.cli.RegistryCommand;
import io.pkgr.cli.registry.RegistryClient;
import io.pkgr.cli.run.Durations;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pkgr token}: make, list and revoke API tokens on a registry. */
@Command(name = "token",
        header = "Make, list and revoke API tokens (scoped, expiring credentials for CI).",
        description = {
                "An API token acts as its owner, narrowed to its scopes: PATTERN:PERMISSION such as",
                "churn-*:publish (permissions read, publish, yank, admin). It never holds more than its",
                "owner may do, now or later: the owner's rights are checked again at every use. Use it as",
                "the password of the user __token__ (twine, poetry, pip, pkgr) or as 'Authorization:",
                "Bearer TOKEN'. These commands log in with the repository's password, never with a token.",
        },
        footer = {"", "Examples:",
                "  pkgr token create --name ci-churn --scope 'churn-*:publish' --expires 90d",
                "  pkgr token list",
                "  pkgr token revoke ci-churn",
                "  twine upload -u __token__ -p \"$PKGR_TOKEN\" --repository-url https://pkgr.example/legacy/ dist/*",
                "Docs: docs/auth.md"},
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
public final class TokenCommand extends CommandGroup {

    @Mixin
    HelpOption help;

    @Command(name = "create", sortOptions = false,
            header = "Make a token; it is printed once, on stdout, and never again.",
            description = {"Exit codes: 0 made; 4 a scope exceeds what the owner may do (or no rights to make it);",
                    "5 the owner already has a token of that name; 2 bad options."})
    public static final class Create extends RegistryCommand {
        @Option(names = "--name", required = true, paramLabel = "NAME", description = "A name for it, unique per owner (e.g. ci-churn)")
        String name;
        @Option(names = "--scope", required = true, paramLabel = "PATTERN:PERMISSION",
                description = "What it may do, repeatable: e.g. 'churn-*:publish', '*:read'")
        List<String> scopes;
        @Option(names = "--expires", paramLabel = "DURATION|never", defaultValue = "90d",
                description = "Lifetime: 90d, 12h, … or never (default: 90d)")
        String expires;
        @Option(names = "--user", paramLabel = "USER", description = "Make it for another user (registry admins only)")
        String user;
        @Option(names = "--json", description = "Print the token and its listing as JSON")
        boolean json;

        public Create(CliContext context) {
            super(context);
        }

        @Override
        public Integer call() {
            Tokens.Created created = repository.client(context)
                    .createToken(new Tokens.CreateRequest(name, scopes, expiry(expires), user));
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(ApiJson.text(created));
            } else {
                out.println(created.token());
                PrintWriter err = spec.commandLine().getErr();
                err.println("made token " + created.info().name() + " (id " + created.info().id() + ") of "
                        + created.info().user() + ": " + String.join(", ", created.info().scopes()) + ", "
                        + (created.info().expires() == null ? "never expires" : "expires " + created.info().expires())
                        + ". It is shown this once: store it now.");
                err.flush();
            }
            out.flush();
            return ExitCode.OK;
        }

        private static Instant expiry(String text) {
            if (text.equalsIgnoreCase("never")) {
                return null;
            }
            Duration lifetime;
            try {
                lifetime = Durations.parse(text);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCode.USAGE, "--expires: " + e.getMessage() + " (e.g. 90d, 12h or never)");
            }
            if (lifetime.isZero() || lifetime.isNegative()) {
                throw new CliException(ExitCode.USAGE, "--expires must be positive");
            }
            return Instant.now().plus(lifetime).truncatedTo(ChronoUnit.SECONDS);
        }
    }

    @Command(name = "list", header = "List tokens: yours, or everyone's for a registry admin (never their secrets).")
    public static final class ListTokens extends RegistryCommand {
        @Option(names = "--user", paramLabel = "USER", description = "Only this user's tokens")
        String user;
        @Option(names = "--json", description = "Print the listing as JSON")
        boolean json;

        public ListTokens(CliContext context) {
            super(context);
        }

        @Override
        public Integer call() {
            Tokens.Listing listing = repository.client(context).tokens(user);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(ApiJson.text(listing));
            } else {
                out.printf("%-10s  %-12s  %-20s  %-20s  %-20s  %s%n", "ID", "USER", "NAME", "EXPIRES", "LAST USED", "SCOPES");
                for (Tokens.Info token : listing.tokens()) {
                    out.printf("%-10s  %-12s  %-20s  %-20s  %-20s  %s%n", token.id(), token.user(), token.name(),
                            token.expires() == null ? "never" : token.expires(),
                            token.lastUsed() == null ? "never" : token.lastUsed().truncatedTo(ChronoUnit.SECONDS),
                            String.join(" ", token.scopes()));
                }
            }
            out.flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "revoke", header = "Revoke a token at once, by name or id.",
            description = {"Exit codes: 0 revoked; 3 no such token (or another user's); 4 not allowed."})
    public static final class Revoke extends RegistryCommand {
        @Parameters(paramLabel = "NAME|ID", description = "The token's name (yours, or --user's) or its id")
        String target;
        @Option(names = "--user", paramLabel = "USER", description = "The owner, when revoking another user's token by name (admins)")
        String user;

        public Revoke(CliContext context) {
            super(context);
        }

        @Override
        public Integer call() {
            RegistryClient client = repository.client(context);
            String me = user != null ? user : client.whoami();
            String id = client.tokens(user).tokens().stream()
                    .filter(t -> t.id().equals(target) || t.name().equals(target) && t.user().equals(me))
                    .map(Tokens.Info::id).findFirst()
                    .orElseThrow(() -> new CliException(ExitCode.NOT_FOUND, "no API token '" + target + "'"
                            + (user == null ? "" : " of user '" + user + "'")));
            Tokens.Info revoked = client.revokeToken(id);
            spec.commandLine().getOut().println("revoked token " + revoked.name() + " (id " + revoked.id() + ") of "
                    + revoked.user());
            spec.commandLine().getOut().flush();
            return ExitCode.OK;
        }
    }
}
