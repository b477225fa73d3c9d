package io.jenkins.plugins.rbdcloud.engine.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdNames;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A hostile value quoted in a message looks the same whichever check refused it. */
class PrintableTest {

    private static final String HOSTILE = "ok\nINFO forged\u00e4\u202e";
    private static final String SHOWN = "ok\\u000aINFO forged\\u00e4\\u202e";

    @Test
    void everyCheckShowsControlAndNonAsciiCharactersTheSameWay() {
        List<String> messages = List.of(
                assertThrows(IllegalArgumentException.class, () -> Ownership.checkTag("ownerId", HOSTILE)).getMessage(),
                assertThrows(IllegalArgumentException.class, () -> RbdNames.image(HOSTILE)).getMessage(),
                assertThrows(IllegalArgumentException.class, () -> RbdNames.metaKey(HOSTILE)).getMessage(),
                assertThrows(IllegalArgumentException.class, () -> TemplateSettings.builder(HOSTILE).build()).getMessage());
        for (String m : messages) {
            assertTrue(m.contains("'" + SHOWN + "'"), m);
            assertTrue(m.chars().allMatch(c -> c >= 0x20 && c <= 0x7e), m);
        }
    }

    @Test
    void longValuesAreCutAndNullIsSaid() {
        assertEquals("x".repeat(80) + "...", Printable.of("x".repeat(500)));
        assertEquals("x".repeat(80), Printable.of("x".repeat(80)));
        assertEquals("null", Printable.of(null));
        assertEquals("a\\u0000b\\u007f", Printable.of("a\0b\u007f"));
    }
}
