/**
 * The JNA bindings of librados and librbd calls the Java bindings lack, with bounded native buffers.
 * Not API: used only by the ceph package.
 */
package io.jenkins.plugins.rbdcloud.engine.ceph.internal;
