package io.pkgr.cli.runtime;

import io.pkgr.cli.cache.CacheLayout;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * What preparing an environment may use.
 *
 * @param env               the environment pkgr runs in
 * @param interpreterProbes the cache file where interpreter answers are remembered
 * @param interpreter       an explicitly chosen interpreter (--python, else PKGR_PYTHON), or null
 * @param interpreterFrom   where {@code interpreter} came from, for messages
 * @param err               where -v says what it chose
 * @param cache             the cache's layout (python: its wheel store)
 * @param unhashed          the payload files ({@code deps/…}) of the environment being prepared that this
 *                          install took from the wheel store on the store's word, without hashing them
 *                          (filled by the install before it prepares; a runtime hashes them before
 *                          building anything from them)
 */
public record Preparation(Map<String, String> env, Path interpreterProbes, String interpreter, String interpreterFrom,
                          PrintWriter err, boolean verbose, CacheLayout cache, Set<String> unhashed) {
}
