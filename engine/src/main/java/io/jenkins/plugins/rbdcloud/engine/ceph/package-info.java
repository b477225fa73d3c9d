/**
 * Small verbs on RBD pools and images over librados/librbd (JNA): clone, snapshot, flatten, trash, metadata, locks.
 * Ceph errors become typed RbdExceptions; nothing here knows about agents or golden images.
 */
package io.jenkins.plugins.rbdcloud.engine.ceph;
