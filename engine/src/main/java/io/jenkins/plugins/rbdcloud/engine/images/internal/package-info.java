/**
 * How the catalog is stored and changed: the lease, version metadata, importer, promoter, flattener, undo.
 * Not API: used by GoldenImages, and by replication for the catalog operations it shares.
 */
package io.jenkins.plugins.rbdcloud.engine.images.internal;
