package io.jenkins.plugins.rbdcloud.engine.libvirt;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * An RBD image attached as a network disk on virtio-scsi, with {@code discard='unmap'}. QEMU
 * authenticates as {@code authUser} with the key held in the libvirt secret {@code secretUuid}
 * (see {@link CephSecrets}); the key itself never appears here.
 */
public record RbdDisk(String pool, String image, List<CephMonitor> monitors, String authUser, UUID secretUuid,
        CacheMode cache, boolean readOnly) {

    public RbdDisk {
        DomainNames.rbdName("RBD pool", pool);
        DomainNames.rbdName("RBD image", image);
        monitors = List.copyOf(monitors);
        if (monitors.isEmpty()) {
            throw new IllegalArgumentException("at least one Ceph monitor is needed");
        }
        DomainNames.cephUser(authUser);
        Objects.requireNonNull(secretUuid, "secretUuid");
        Objects.requireNonNull(cache, "cache");
    }

    /** A writable disk with the writeback cache (librbd's cache). */
    public static RbdDisk of(String pool, String image, List<CephMonitor> monitors, String authUser, UUID secretUuid) {
        return new RbdDisk(pool, image, monitors, authUser, secretUuid, CacheMode.WRITEBACK, false);
    }

    /** {@code pool/image}, the name QEMU's rbd driver opens. */
    public String path() {
        return pool + "/" + image;
    }
}
