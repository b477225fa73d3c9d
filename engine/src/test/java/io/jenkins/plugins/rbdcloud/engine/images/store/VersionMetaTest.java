package io.jenkins.plugins.rbdcloud.engine.images.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.ceph.ImageSpec;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import io.jenkins.plugins.rbdcloud.engine.images.Provenance;
import io.jenkins.plugins.rbdcloud.engine.images.VersionState;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VersionMetaTest {

    @Test
    void parsesAFlatteningVersionWithItsPinnedDisk() {
        Map<String, String> meta = Map.of(VersionMeta.VERSION, "deb@v3", VersionMeta.STATE, "flattening",
                VersionMeta.INFO, "created-at=2025-01-02T03:04:05Z;created-by=promotion:agent-7;parent-version=2;"
                        + "source=agents/agent-7@rbd-cloud.promote.deb.v3", VersionMeta.USED_BYTES, "42");
        GoldenVersion v = VersionMeta.parse("images", "deb", 3, meta, true, 1024);

        assertEquals(ImageSpec.of("images", "deb.v3", "v3"), v.snapshot());
        assertEquals(VersionState.FLATTENING, v.state());
        assertEquals(Instant.parse("2025-01-02T03:04:05Z"), v.createdAt());
        assertEquals(2, v.parentVersion());
        assertEquals(0, v.usedBytes(), "not measured until standalone");
        assertEquals("promotion:agent-7", v.createdBy());
        assertEquals(ImageSpec.of("agents", "agent-7", "rbd-cloud.promote.deb.v3"), v.pinnedDisk().orElseThrow());
        assertEquals("deb@v3", v.label());
    }

    @Test
    void aRejectedCandidateSaysWhyAndStillPinsItsAgentDisk() {
        Provenance by = Provenance.of("ci/app", 7).withBranch("main");
        Map<String, String> meta = Map.of(VersionMeta.VERSION, "deb@v4", VersionMeta.STATE, "rejected",
                VersionMeta.INFO, "created-by=promotion:agent-8;written-bytes=1048576;source=agents/agent-8@rbd-cloud.promote.deb.v4",
                VersionMeta.PROVENANCE, by.encode(), VersionMeta.REJECTED, "test boot failed:\nstep wait-ready");
        GoldenVersion v = VersionMeta.parse("images", "deb", 4, meta, false, 1024);
        assertEquals(VersionState.REJECTED, v.state());
        assertEquals("test boot failed: step wait-ready", v.rejectedWhy().orElseThrow(), "one printable line");
        assertEquals(java.util.Optional.of(by), v.provenance());
        assertEquals(1048576, v.writtenBytes().orElseThrow());
        assertEquals(ImageSpec.of("agents", "agent-8", "rbd-cloud.promote.deb.v4"), v.pinnedDisk().orElseThrow());
        assertTrue(!v.state().isUsable());
    }

    @Test
    void anInheritedProvenanceIsNotThisVersions() {
        Map<String, String> meta = Map.of(VersionMeta.VERSION, "deb@v3", VersionMeta.STATE, "candidate",
                VersionMeta.PROVENANCE, Provenance.of("ci/app", 7).encode());
        assertTrue(VersionMeta.parse("images", "deb", 4, meta, false, 1).provenance().isEmpty(),
                "copied by librbd from the version the agent was cloned from");
    }

    @Test
    void missingOrBrokenFieldsReadAsUnknownNotFailures() {
        GoldenVersion v = VersionMeta.parse("images", "deb", 1, Map.of(VersionMeta.VERSION, "deb@v1",
                VersionMeta.USED_BYTES, "x", VersionMeta.STATE, "ready", VersionMeta.INFO, "created-at=y;source=agents/a@s;junk"),
                false, 1);
        assertEquals(VersionState.READY, v.state());
        assertEquals(0, v.usedBytes());
        assertEquals(Instant.EPOCH, v.createdAt());
        assertTrue(v.pinnedDisk().isEmpty(), "a ready version pins nothing");
        assertEquals(5, VersionMeta.versionOfLabel("deb", "deb@v5"));
        assertEquals(0, VersionMeta.versionOfLabel("deb", "other@v5"));
    }

    @Test
    void tagsInheritedFromTheCloneParentReadAsCreating() {
        // librbd copies metadata into clones: v4 fresh from a clone of an agent of v3.
        Map<String, String> inherited = Map.of(VersionMeta.VERSION, "deb@v3", VersionMeta.STATE, "ready",
                VersionMeta.INFO, "source=agents/old@rbd-cloud.promote.deb.v3");
        GoldenVersion v = VersionMeta.parse("images", "deb", 4, inherited, false, 1);
        assertEquals(VersionState.CREATING, v.state());
        assertTrue(v.pinnedDisk().isEmpty(), "an ancestor's promotion snapshot is not this version's");
    }

    @Test
    void infoRoundTripsAndRefusesSeparators() {
        Map<String, String> f = new java.util.LinkedHashMap<>();
        f.put(VersionMeta.CREATED_BY, "copy:agent-1");
        f.put(VersionMeta.SOURCE, "agents/a@b");
        assertEquals(f, VersionMeta.decode(VersionMeta.encode(f)));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> VersionMeta.encode(Map.of(VersionMeta.CREATED_BY, "a;b")));
    }
}
