package io.pkgr.cli.runtime;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * What preparing an environment may use.
 *
 * @param env               the environment pkgr runs in
 * @param interpreterProbes the cache file where interpreter answers are remembered
 * @param interpreter       an explicitly chosen interpreter (--python, else PKGR_PYTHON), or null
 * @param interpreterFrom   where {@code interpreter} came from, for messages
 * @param err               where -v says what it chose
 */
public record Preparation(Map<String, String> env, Path interpreterProbes, String interpreter, String interpreterFrom,
                          PrintWriter err, boolean verbose) {
}
