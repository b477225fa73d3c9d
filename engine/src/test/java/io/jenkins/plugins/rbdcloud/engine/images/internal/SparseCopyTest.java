package io.jenkins.plugins.rbdcloud.engine.images.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class SparseCopyTest {

    @Test
    void zeroDetectionLooksAtEveryByte() {
        ByteBuffer b = ByteBuffer.allocateDirect(SparseCopy.BLOCK);
        assertTrue(SparseCopy.isZero(b.duplicate()));
        b.put(SparseCopy.BLOCK - 1, (byte) 1);
        assertTrue(!SparseCopy.isZero(b.duplicate()));
        assertTrue(SparseCopy.isZero(b.slice(0, 100)));
    }
}
