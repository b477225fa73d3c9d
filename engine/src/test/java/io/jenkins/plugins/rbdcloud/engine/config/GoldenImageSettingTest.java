package io.jenkins.plugins.rbdcloud.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jenkins.plugins.rbdcloud.engine.images.GoldenNames;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A template's {@code image} is a golden image: the settings and the catalog agree on what that name may be. */
class GoldenImageSettingTest {

    private static final String RULE = "1-64 characters of a-z 0-9 _ - starting with a letter or digit";

    @Test
    void settingsAcceptExactlyTheNamesTheCatalogAccepts() {
        for (String name : List.of("debian", "debian-12_x", "0base", "a".repeat(64), "rbd-cloud-test",
                "Debian", "UPPER", "deb.ian", "a/b", "a@b", "a:b", "a b", "-a", "_a", "a".repeat(65), "ä", "a\nb")) {
            boolean catalog = accepts(() -> GoldenNames.check(name));
            boolean settings = accepts(() -> Fixtures.template("debian").image(name).build());
            assertEquals(catalog, settings, "'" + name + "' accepted by the catalog: " + catalog + ", by the settings: " + settings);
        }
    }

    @Test
    void bothRefuseWithTheSameRule() {
        // Before, 'UPPER' passed the settings and 'a/b' got RBD's rule ("letters, digits and . _ + -") from the catalog.
        assertEquals("template 'debian': image must be " + RULE + ", got 'UPPER'",
                assertThrows(SettingException.class, () -> Fixtures.template("debian").image("UPPER").build()).getMessage());
        assertEquals("golden image name must be " + RULE + ", got 'UPPER'",
                assertThrows(IllegalArgumentException.class, () -> GoldenNames.check("UPPER")).getMessage());
        assertEquals("golden image name must be " + RULE + ", got 'a/b'",
                assertThrows(IllegalArgumentException.class, () -> GoldenNames.check("a/b")).getMessage());
        assertEquals("golden image name must be " + RULE + ", got 'a\\u000ab'",
                assertThrows(IllegalArgumentException.class, () -> GoldenNames.check("a\nb")).getMessage());
    }

    private static boolean accepts(Runnable check) {
        try {
            check.run();
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
