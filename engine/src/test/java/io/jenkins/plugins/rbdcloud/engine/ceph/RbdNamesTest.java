package io.jenkins.plugins.rbdcloud.engine.ceph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RbdNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "debian-12", "golden_v3", "it-x.1", "A+B", "0start"})
    void acceptsPlainNames(String name) {
        assertEquals(name, RbdNames.image(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"pool/image", "image@snap", "a:b", "with space", "tab\there", "nl\nx", "nul\0x", "del\u007fx",
            "-rf", ".hidden", "_under", "ümlaut", "semi;colon", "quote'", "dollar$", "back\\slash", "<xml>"})
    void rejectsHostileNames(String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RbdNames.snapshot(name));
        assertTrue(e.getMessage().startsWith("snapshot name"), e.getMessage());
        // The message never carries a raw control character (log forging).
        assertFalse(e.getMessage().chars().anyMatch(c -> c < 0x20 || c == 0x7f), e.getMessage());
    }

    @Test
    void rejectsEmptyAndNull() {
        assertEquals("image name must not be empty", assertThrows(IllegalArgumentException.class, () -> RbdNames.image("")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> RbdNames.pool(null));
    }

    @Test
    void limitsLengthTo95() {
        assertEquals(95, RbdNames.image("a".repeat(95)).length());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RbdNames.check("clone", "a".repeat(96)));
        assertTrue(e.getMessage().startsWith("clone name is 96 characters, at most 95"), e.getMessage());
    }

    @Test
    void metadataKeys() {
        assertEquals("rbd-cloud.owner", RbdNames.metaKey("rbd-cloud.owner"));
        assertThrows(IllegalArgumentException.class, () -> RbdNames.metaKey("conf_rbd_cache"));
        assertThrows(IllegalArgumentException.class, () -> RbdNames.metaKey("a b"));
        assertThrows(IllegalArgumentException.class, () -> RbdNames.metaKey(""));
        assertThrows(IllegalArgumentException.class, () -> RbdNames.metaKey("k".repeat(256)));
    }

    @Test
    void metadataValues() {
        assertEquals("any text: with spaces / @ ü", RbdNames.metaValue("k", "any text: with spaces / @ ü"));
        assertEquals("", RbdNames.metaValue("k", ""));
        assertThrows(IllegalArgumentException.class, () -> RbdNames.metaValue("k", "a\0b"));
        assertThrows(IllegalArgumentException.class, () -> RbdNames.metaValue("k", "x".repeat(64 * 1024 + 1)));
    }

    @Test
    void imageIds() {
        assertEquals("10ab3c5d7e", RbdNames.imageId("10ab3c5d7e"));
        assertThrows(IllegalArgumentException.class, () -> RbdNames.imageId("../x"));
        assertThrows(IllegalArgumentException.class, () -> RbdNames.imageId(""));
    }
}
