package io.pkgr.cli.runtime;

import io.pkgr.cli.config.Repository;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where {@code pkgr build} may fetch dependencies from, as its options say.
 *
 * @param registry    the configured registry (-r), or null
 * @param indexUrl    python: a PEP 503 index (--index-url), or null
 * @param findLinks   python: local wheel directories
 * @param python      python: the interpreter whose pip fetches wheels
 * @param mavenRepos  jvm: extra Maven repositories, in order
 * @param noCentral   jvm: leave Maven Central out
 * @param mavenLocal  jvm: the local Maven repository (in pkgr's cache)
 * @param scratch     a directory that is deleted after the build
 * @param env         the environment of the tools it starts (pkgr's secrets removed)
 * @param err         where tools' output goes when they fail
 */
public record DependencySources(Repository registry, URI indexUrl, List<Path> findLinks, String python,
                                List<URI> mavenRepos, boolean noCentral, Path mavenLocal, Path scratch,
                                Map<String, String> env, PrintWriter err) {
}
