package io.jenkins.plugins.rbdcloud.engine.ceph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class RbdFeatureTest {

    @Test
    void decodesTheDefaultFeatureMask() {
        // rbd_default_features = 61
        assertEquals(EnumSet.of(RbdFeature.LAYERING, RbdFeature.EXCLUSIVE_LOCK, RbdFeature.OBJECT_MAP, RbdFeature.FAST_DIFF,
                RbdFeature.DEEP_FLATTEN), RbdFeature.fromBits(61));
        assertEquals("exclusive-lock", RbdFeature.EXCLUSIVE_LOCK.toString());
        assertEquals(EnumSet.noneOf(RbdFeature.class), RbdFeature.fromBits(1L << 40));
    }
}
