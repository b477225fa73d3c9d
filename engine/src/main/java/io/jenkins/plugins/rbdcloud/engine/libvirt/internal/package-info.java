/**
 * libvirt calls the Java bindings lack (JNA), its event loop, and XML parsing without external entities.
 * Not API: used only by the libvirt package.
 */
package io.jenkins.plugins.rbdcloud.engine.libvirt.internal;
