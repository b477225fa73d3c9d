package io.jenkins.plugins.rbdcloud.engine.ceph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class OsdMapRepliesTest {

    @Test
    void readsEachPoolsFullFlags() {
        // flags as a Pacific monitor prints them: hashpspool (1), full (2), full_quota (1024), selfmanaged_snaps (8192)
        var pools = OsdMapReplies.poolConditions("[{\"pool_id\":1,\"pool_name\":\"images\",\"flags\":8193},"
                + "{\"pool_id\":2,\"pool_name\":\"agents\",\"flags\":9219},{\"pool_id\":3,\"pool_name\":\"osdfull\",\"flags\":3}]");
        assertFalse(pools.get("images").full());
        assertEquals(Optional.empty(), pools.get("images").fullReason());
        assertTrue(pools.get("agents").quotaFull());
        assertEquals("pool agents is full (its quota is reached: ceph osd pool get-quota agents)",
                pools.get("agents").fullReason().orElseThrow());
        assertTrue(pools.get("osdfull").osdsFull());
        assertTrue(pools.get("osdfull").fullReason().orElseThrow().contains("its OSDs are full"));
    }

    @Test
    void aPlacementGroupWithoutActingPrimaryIsNotServed() {
        assertTrue(OsdMapReplies.served("{\"pool\":\"agents\",\"up\":[0],\"acting\":[0],\"acting_primary\":0}"));
        assertFalse(OsdMapReplies.served("{\"pool\":\"agents\",\"up\":[],\"acting\":[],\"acting_primary\":-1}"));
    }

    @Test
    void repliesOfAnotherShapeAreRefusedNamingWhatIsMissing() {
        RbdException e = assertThrows(RbdException.class, () -> OsdMapReplies.poolConditions("{\"pools\":[]}"));
        assertTrue(e.getMessage().contains("not a JSON list"), e.getMessage());
        e = assertThrows(RbdException.class, () -> OsdMapReplies.poolConditions("[{\"pool_name\":\"a\",\"flags\":\"x\"}]"));
        assertTrue(e.getMessage().contains("flags number"), e.getMessage());
        e = assertThrows(RbdException.class, () -> OsdMapReplies.served("{\"acting\":[]}"));
        assertTrue(e.getMessage().contains("acting_primary"), e.getMessage());
    }
}
