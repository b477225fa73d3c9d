/**
 * Hypervisors through libvirt: transient domains from DomainSpec XML, guest agent, agent channel, events, Ceph secrets.
 * The only package that sees org.libvirt types; blocking calls are bounded on the hypervisor's own pool.
 */
package io.jenkins.plugins.rbdcloud.engine.libvirt;
