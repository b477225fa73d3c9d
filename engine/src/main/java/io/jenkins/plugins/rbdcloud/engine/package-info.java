/**
 * The rbd-cloud engine: agents as QEMU guests on Ceph RBD clones of golden images, with no Jenkins type.
 * Ownership tags every object it makes; sub-packages do one job each (see docs/architecture.md).
 */
package io.jenkins.plugins.rbdcloud.engine;
