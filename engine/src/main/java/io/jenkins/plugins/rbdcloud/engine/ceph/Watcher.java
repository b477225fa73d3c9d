package io.jenkins.plugins.rbdcloud.engine.ceph;

/**
 * A client with the image open ({@code rbd status}); QEMU keeps one while a guest runs, and a
 * killed client's watch lingers for about 30 s.
 *
 * @param address  the client's address, e.g. {@code 127.0.0.1:0/3187254}
 * @param clientId the client's global id ({@code client.<id>})
 * @param cookie   the watch cookie
 */
public record Watcher(String address, long clientId, long cookie) {}
