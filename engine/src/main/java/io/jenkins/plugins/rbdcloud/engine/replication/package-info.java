/**
 * Golden image replication between clusters and backups to files, as a checksummed stream of extents.
 * Streams are untrusted input: parsed with limits, applied only once complete.
 */
package io.jenkins.plugins.rbdcloud.engine.replication;
