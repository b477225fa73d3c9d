/**
 * Cloud, Ceph, hypervisor and template settings: validated values, loaded from properties files or built by the plugin.
 * Every bad value is refused with a message naming the key; secrets never print.
 */
package io.jenkins.plugins.rbdcloud.engine.config;
