/**
 * How agents are made and ended: provision steps with undo, teardown, adoption, warm pools, health and orphan sweeps.
 * Not API: used only by RbdCloudEngine.
 */
package io.jenkins.plugins.rbdcloud.engine.agents.internal;
