package io.jenkins.plugins.rbdcloud.engine.ceph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class RbdExceptionTest {

    private static final ImageSpec SNAP = ImageSpec.of("images", "debian", "v3");

    @Test
    void mapsEachErrnoToItsType() {
        assertInstanceOf(RbdNotFoundException.class, RbdException.fromErrno(-2, "snap remove", SNAP));
        assertInstanceOf(RbdExistsException.class, RbdException.fromErrno(-17, "create", SNAP));
        assertInstanceOf(RbdHasSnapshotsException.class, RbdException.fromErrno(-39, "remove", SNAP));
        assertInstanceOf(RbdBusyException.class, RbdException.fromErrno(-16, "remove", SNAP));
        assertInstanceOf(RbdPermissionException.class, RbdException.fromErrno(-1, "open", SNAP));
        assertInstanceOf(RbdPermissionException.class, RbdException.fromErrno(-13, "connect", null));
        assertInstanceOf(RbdPermissionException.class, RbdException.fromErrno(-30, "write", SNAP));
        assertInstanceOf(RbdNoSpaceException.class, RbdException.fromErrno(-28, "write", SNAP));
        assertInstanceOf(RbdNoSpaceException.class, RbdException.fromErrno(-122, "write", SNAP));
        assertInstanceOf(RbdTimeoutException.class, RbdException.fromErrno(-110, "connect", null));
        assertEquals(RbdException.class, RbdException.fromErrno(-22, "resize", SNAP).getClass());
    }

    @Test
    void acceptsPositiveCodesToo() {
        assertInstanceOf(RbdNotFoundException.class, RbdException.fromErrno(2, "open", SNAP));
    }

    @Test
    void messageNamesOperationTargetAndErrno() {
        RbdException e = RbdException.fromErrno(-16, "snap remove", SNAP);
        assertEquals("snap remove images/debian@v3: busy: open by a client, protected or has children (EBUSY)",
                e.getMessage());
        assertEquals(16, e.errno());
        assertSame(SNAP, e.target());
    }

    @Test
    void messageWithoutTargetAndUnknownErrno() {
        assertEquals("connect: failed (errno 9999)", RbdException.fromErrno(-9999, "connect", null).getMessage());
    }

    @Test
    void specsPrintLikeRbd() {
        assertEquals("images", ImageSpec.ofPool("images").toString());
        assertEquals("agents/a1", ImageSpec.of("agents", "a1").toString());
        assertEquals("images/debian@v3", SNAP.toString());
        assertEquals(SNAP, ImageSpec.of("images", "debian").at("v3"));
    }
}
