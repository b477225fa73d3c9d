package io.jenkins.plugins.rbdcloud.engine.ceph.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CStringsTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void splitsNulTerminatedStringsUpToLength() {
        byte[] buf = new byte[64];
        byte[] data = bytes("a\0\0b-c\0ü\0");
        System.arraycopy(data, 0, buf, 0, data.length);
        assertEquals(List.of("a", "", "b-c", "ü"), CStrings.split(buf, data.length));
        assertEquals(List.of(), CStrings.split(buf, 0));
        assertEquals(List.of("tail"), CStrings.split(bytes("tail"), 4));
    }

    @Test
    void firstStopsAtNul() {
        assertEquals("value", CStrings.first(bytes("value\0garbage"), 13));
        assertEquals("", CStrings.first(new byte[4], 0));
    }
}
