package io.jenkins.plugins.rbdcloud.engine.libvirt;

/** A Ceph monitor address as QEMU's RBD driver takes it (messenger v1 port, usually 6789). */
public record CephMonitor(String host, int port) {

    public CephMonitor {
        DomainNames.monitorHost(host);
        DomainNames.port(port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
