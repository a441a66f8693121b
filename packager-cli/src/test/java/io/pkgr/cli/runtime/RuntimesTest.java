package io.pkgr.cli.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pkgr.bundle.Runtime;
import org.junit.jupiter.api.Test;

class RuntimesTest {

    @Test
    void everyRuntimeOfTheBundleFormatHasItsRegisteredSupport() {
        for (Runtime runtime : Runtime.values()) {
            // when
            RuntimeSupport support = Runtimes.of(runtime);

            // then
            assertEquals(runtime, support.runtime());
        }
    }

    @Test
    void runtimeIdsAreParsedInOnePlace() {
        for (Runtime runtime : Runtime.values()) {
            assertEquals(runtime, Runtime.fromId(runtime.id()));
        }
        assertEquals(null, Runtime.fromId("ruby"));
    }
}
