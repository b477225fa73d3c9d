/**
 * The admin CLI (./rbd-cloud): images, agents, gc, replication and the demo, on the engine's public API.
 * Exit codes and messages are for operators; no logic that the plugin would need lives here.
 */
package io.jenkins.plugins.rbdcloud.engine.cli;
