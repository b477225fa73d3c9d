package io.jenkins.plugins.rbdcloud.engine.ceph;

/**
 * A holder of a RADOS object lock ({@code rados lock list}).
 *
 * @param client  the holder's entity, e.g. {@code client.34114}
 * @param cookie  the cookie it locked with
 * @param address its address, e.g. {@code v1:127.0.0.1:0/3115734160}
 */
public record ObjectLocker(String client, String cookie, String address) {}
