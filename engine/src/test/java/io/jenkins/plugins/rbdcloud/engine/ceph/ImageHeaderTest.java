package io.jenkins.plugins.rbdcloud.engine.ceph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cls_rbd metadata encoding: what the cluster sends back is bounded before it is trusted. */
class ImageHeaderTest {

    private static Map<String, String> decode(byte[] b) {
        return ImageHeader.decodeMap(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void tagsSurviveTheRoundTrip() {
        Map<String, String> tags = Map.of("rbd-cloud.owner", "jenkins-1", "rbd-cloud.empty", "", "rbd-cloud.u", "ü @ / :");
        assertEquals(tags, decode(ImageHeader.encodeMap(tags)));
    }

    @Test
    void layoutIsCephs() {
        byte[] b = ImageHeader.encodeMap(Map.of("k", "vv"));
        assertEquals("01000000" + "01000000" + "6b" + "02000000" + "7676", java.util.HexFormat.of().formatHex(b));
    }

    @Test
    void countLargerThanTheBufferIsRefused() {
        byte[] b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(Integer.MAX_VALUE).array();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> decode(b));
        assertEquals("metadata list claims 2147483647 entries in 4 bytes", e.getMessage());
    }

    @Test
    void truncatedEntryIsRefused() {
        byte[] full = ImageHeader.encodeMap(Map.of("key", "value"));
        byte[] cut = java.util.Arrays.copyOf(full, full.length - 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> decode(cut));
        assertEquals("metadata entry of 5 bytes in 3 left", e.getMessage());
    }

    @Test
    void emptyAnswerIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> decode(new byte[0]));
    }
}
