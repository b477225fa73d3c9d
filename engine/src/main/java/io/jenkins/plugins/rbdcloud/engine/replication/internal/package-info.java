/**
 * The stream format, its reader and writer, and the sender and receiver of versions.
 * Not API: used only by the replication package.
 */
package io.jenkins.plugins.rbdcloud.engine.replication.internal;
