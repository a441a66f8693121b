package io.pkgr.cli.runtime.python;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Pep440Test {

    @Test
    void pythonConstraintsFollowPep440() {
        assertTrue(Pep440.satisfies("3.11.2", ">=3.10,<3.13"));
        assertTrue(Pep440.satisfies("3.11.2", "==3.11.*"));
        assertTrue(Pep440.satisfies("3.11.2", "~=3.10"));
        assertTrue(!Pep440.satisfies("3.9.18", ">=3.10"));
        assertTrue(!Pep440.satisfies("4.0.0", "~=3.10"));
    }
}
