package io.jenkins.plugins.rbdcloud.engine.ceph.internal;

import com.ceph.rados.Rados;
import com.sun.jna.Pointer;

/** rados-java's cluster handle with its native pointer reachable, for the calls {@link LibRados} binds itself. */
public final class RadosHandle extends Rados {

    public RadosHandle(String user) {
        super(user);
    }

    /** The {@code rados_t}; valid while the connection is open (callers hold its guard). */
    public Pointer pointer() {
        return clusterPtr;
    }
}
