package io.pkgr.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Bool parameters reach real CLI libraries as meant: one python bundle vendors Fire, click and
 * typer (wheels made at test time from Debian's python3-fire, python3-click and python3-typer,
 * since there is no PyPI here) and has one entrypoint per library, each reporting what it parsed.
 */
class BoolStyleFrameworksTest extends RegistryTest {

    private static final Path SITE = Path.of("/usr/lib/python3/dist-packages");

    private static final String YAML = """
            name: bool-clis
            version: 1.0.0
            runtime: python
            python: ">=3.9"
            requirements: ["fire==0.5.0", "six==1.16.0", "termcolor==1.1.0", "click==8.1.3", "typer==0.7.0"]
            include: ["clis/**"]
            entrypoints:
              fire:
                command: ["python", "-m", "clis.fire_cli"]
                params: {dry-run: {type: bool, default: false}}
              click:
                command: ["python", "-m", "clis.click_cli"]
                booleans: flag
                params: {dry-run: {type: bool, default: false}}
              typer:
                command: ["python", "-m", "clis.typer_cli"]
                booleans: flag
                params: {dry-run: {type: bool, default: false}}
              argparse-optional:
                command: ["python", "-m", "clis.argparse_cli", "optional"]
                booleans: flag
                params: {dry-run: {type: bool, default: false}}
              argparse-store-true:
                command: ["python", "-m", "clis.argparse_cli", "store_true"]
                booleans: switch
                params: {dry-run: {type: bool, default: false}}
            """;

    private static final Map<String, String> CLIS = Map.of(
            "clis/__init__.py", """
                    import json, os
                    def report(dry_run):
                        with open(os.environ["PKGR_OUTPUT"], "w") as f:
                            json.dump({"dry_run": dry_run}, f)
                    """,
            "clis/fire_cli.py", """
                    import fire
                    from clis import report
                    def main(dry_run: bool = False):
                        report(dry_run)
                    fire.Fire(main)
                    """,
            "clis/click_cli.py", """
                    import click
                    from clis import report
                    @click.command()
                    @click.option("--dry-run/--no-dry-run", default=False)
                    def main(dry_run):
                        report(dry_run)
                    main()
                    """,
            "clis/typer_cli.py", """
                    import typer
                    from clis import report
                    def main(dry_run: bool = False):
                        report(dry_run)
                    typer.run(main)
                    """,
            "clis/argparse_cli.py", """
                    import argparse, sys
                    from clis import report
                    parser = argparse.ArgumentParser()
                    if sys.argv.pop(1) == "optional":
                        parser.add_argument("--dry-run", action=argparse.BooleanOptionalAction, default=False)
                    else:
                        parser.add_argument("--dry-run", action="store_true")
                    report(parser.parse_args().dry_run)
                    """);

    @Test
    void boolParametersArriveAsMeantInFireClickTyperAndArgparse() throws Exception {
        Path wheels = tmp.resolve("wheels");
        siteWheel(wheels, "fire", "0.5.0", List.of("six", "termcolor"), "fire");
        siteWheel(wheels, "six", "1.16.0", List.of(), "six.py");
        siteWheel(wheels, "termcolor", "1.1.0", List.of(), "termcolor.py");
        siteWheel(wheels, "click", "8.1.3", List.of(), "click");
        siteWheel(wheels, "typer", "0.7.0", List.of("click"), "typer");
        registry.buildAndPublish(registry.project("bool-clis", YAML, CLIS), "--find-links", wheels.toString(),
                "--python", Registry.SYSTEM_PYTHON);
        Map<String, String> expected = new LinkedHashMap<>();
        Map<String, String> parsed = new LinkedHashMap<>();

        Registry.Result install = registry.pkgr("install", "-v", "bool-clis==1.0.0");
        for (String entrypoint : List.of("fire", "click", "typer", "argparse-optional", "argparse-store-true")) {
            for (String value : List.of("true", "false")) {
                Registry.Result r = registry.pkgr("run", "bool-clis==1.0.0", entrypoint, "--dry-run=" + value);
                parsed.put(entrypoint + " --dry-run=" + value, r.exitCode() == 0 ? r.lastLine() : "exit " + r.exitCode());
                expected.put(entrypoint + " --dry-run=" + value, "{\"dry_run\":" + value + "}");
            }
        }

        assertEquals(0, install.exitCode(), install.err());
        assertTrue(install.err().contains("pkgr: python: " + Registry.SYSTEM_PYTHON + " (Python 3."), install.err());
        assertEquals(expected, parsed);
    }

    /** A wheel of a distribution Debian installed, made of its installed files. */
    private static void siteWheel(Path wheels, String name, String version, List<String> requires, String top)
            throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        Path source = SITE.resolve(top);
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                String rel = SITE.relativize(p).toString();
                if (!rel.contains("__pycache__") && !rel.endsWith("_test.py")) {
                    files.put(rel, Files.readAllBytes(p));
                }
            }
        }
        Wheels.write(wheels, name, version, requires, files);
    }
}
