/**
 * How the catalog changes: importer (with its hostile-file checks), promoter, flattener, retention, pins, agent clones.
 * Not API: used only by GoldenImages; the storage it shares with replication is images.store.
 */
package io.jenkins.plugins.rbdcloud.engine.images.internal;
