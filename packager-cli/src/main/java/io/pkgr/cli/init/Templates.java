package io.pkgr.cli.init;

import io.pkgr.bundle.Runtime;
import java.util.Map;

/** What {@code pkgr init} writes, per runtime. */
final class Templates {

    private Templates() {
    }

    static String manifest(Runtime runtime, String name) {
        String common = """
                # pkgr.yaml: what `pkgr build` packs into NAME-VERSION.pkgr. Reference: docs/bundle.md
                name: %s                 # letters, digits, . _ -; compared PEP 503-normalised
                version: 0.1.0                # SemVer 2.0; a published version is immutable
                description: A pipeline step
                runtime: %s
                """.formatted(name, runtime.id());
        return common + switch (runtime) {
            case PYTHON -> """
                    python: ">=3.9"               # interpreter constraint checked at run time
                    requirements: []              # pinned, e.g. - requests==2.31.0; vendored as wheels by pkgr build
                    include: ["src/**"]           # files to pack (gitignore-style globs)
                    exclude: ["**/tests/**"]
                    entrypoints:
                      hello:                      # pkgr run NAME==VERSION hello --who=team
                        command: ["python", "-m", "hello.main"]
                        description: Say hello
                        booleans: flag            # argparse: bools as --x/--no-x, values as given (fire: for Python Fire)
                        params:                   # typed; validated before anything is downloaded
                          who: {type: string, default: world}
                          times: {type: int, default: 1}
                    """;
            case JVM -> """
                    dependencies: []              # pinned Maven coordinates, e.g. - com.fasterxml.jackson.core:jackson-databind:2.17.2
                    # Your compiled code: every jar in the bundle is on the classpath. Build it first, e.g.
                    #   javac -d target/classes src/main/java/hello/Main.java && jar cf target/hello.jar -C target/classes .
                    include: ["target/*.jar"]
                    entrypoints:
                      hello:                      # pkgr run NAME==VERSION hello --who=team
                        command: ["java", "hello.Main"]   # pkgr adds -cp with your jars and the dependencies
                        description: Say hello
                        params:
                          who: {type: string, default: world}
                    """;
            case EXEC -> """
                    include: ["bin/**"]
                    entrypoints:
                      hello:                      # pkgr run NAME==VERSION hello --who=team
                        command: ["bin/hello.sh"]   # a path with '/' is relative to the packed project
                        description: Say hello
                        params:
                          who: {type: string, default: world}
                    """;
        };
    }

    static Map<String, String> hello(Runtime runtime) {
        return switch (runtime) {
            case PYTHON -> Map.of(
                    "src/hello/__init__.py", "",
                    "src/hello/main.py", """
                            import argparse
                            import json
                            import os


                            def main() -> None:
                                parser = argparse.ArgumentParser()
                                parser.add_argument("--who", default="world")
                                parser.add_argument("--times", type=int, default=1)
                                args = parser.parse_args()
                                for _ in range(args.times):
                                    print(f"hello, {args.who}")
                                # Anything written to PKGR_OUTPUT is printed as the last stdout line (Airflow XCom).
                                output = os.environ.get("PKGR_OUTPUT")
                                if output:
                                    with open(output, "w") as f:
                                        json.dump({"greeted": args.who}, f)


                            if __name__ == "__main__":
                                main()
                            """);
            case JVM -> Map.of("src/main/java/hello/Main.java", """
                    package hello;

                    public class Main {
                        public static void main(String[] args) {
                            String who = "world";
                            for (String a : args) {
                                if (a.startsWith("--who=")) {
                                    who = a.substring("--who=".length());
                                }
                            }
                            System.out.println("hello, " + who);
                        }
                    }
                    """);
            case EXEC -> Map.of("bin/hello.sh", """
                    #!/bin/sh
                    # Parameters arrive as --name=value.
                    who=world
                    for arg in "$@"; do
                      case "$arg" in --who=*) who="${arg#--who=}" ;; esac
                    done
                    echo "hello, $who"
                    """);
        };
    }
}
