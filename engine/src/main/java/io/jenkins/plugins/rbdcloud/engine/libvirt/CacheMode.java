package io.jenkins.plugins.rbdcloud.engine.libvirt;

/** QEMU disk cache mode ({@code <driver cache=...>}); for RBD, {@code writeback} enables librbd's cache. */
public enum CacheMode {
    NONE, WRITEBACK, WRITETHROUGH, DIRECTSYNC, UNSAFE;

    public String xmlName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
