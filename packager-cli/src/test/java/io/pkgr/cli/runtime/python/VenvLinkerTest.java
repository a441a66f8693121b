package io.pkgr.cli.runtime.python;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the linker splits entries between its two linking processes. */
class VenvLinkerTest {

    @Test
    void entriesThatShareATopLevelNameStayInOneGroupAndTheOthersAreLinkedBeside() {
        StoreLink numpy = entry("numpy", 1279, "numpy", "numpy-2.4.6.dist-info", "numpy.libs");
        StoreLink six = entry("six", 7, "__pycache__", "six.py", "six-1.17.0.dist-info");
        StoreLink threadpoolctl = entry("threadpoolctl", 6, "__pycache__", "threadpoolctl.py", "threadpoolctl-3.7.0.dist-info");
        StoreLink pandas = entry("pandas", 1812, "pandas", "pandas-2.3.3.dist-info");

        List<List<StoreLink>> groups = VenvLinker.groups(List.of(numpy, six, threadpoolctl, pandas));

        assertEquals(List.of(List.of("pandas"), List.of("numpy"), List.of("threadpoolctl", "six")), names(groups),
                "largest first; six and threadpoolctl both write __pycache__/");
    }

    @Test
    void aNameSharedThroughAThirdEntryJoinsAllThreeGroupsEachEntryOnce() {
        StoreLink a = entry("a", 10, "a", "shared-x", "shared-z");
        StoreLink b = entry("b", 20, "b", "shared-y");
        StoreLink c = entry("c", 30, "c");
        StoreLink d = entry("d", 5, "shared-x", "shared-z", "shared-y");

        List<List<StoreLink>> groups = VenvLinker.groups(List.of(a, b, c, d));

        assertEquals(List.of(List.of("d", "a", "b"), List.of("c")), names(groups));
    }

    private static List<List<String>> names(List<List<StoreLink>> groups) {
        return groups.stream().map(g -> g.stream().map(StoreLink::name).toList()).toList();
    }

    private static StoreLink entry(String name, int files, String... topLevel) {
        return new StoreLink(Path.of("/store").resolve(name), name + "-key", name + "-id", name, "1.0", name + "-1.0.dist-info",
                "3.11", 0, files, List.of(topLevel), List.of(), Map.of(), Map.of(), Map.of(), 0, 0, 0);
    }
}
