/**
 * The engine's facade for Jenkins and the CLI: RbdCloudEngine provisions, ends, holds and reconciles agents.
 * Reports and listener types live here; how it is done lives in agents.internal.
 */
package io.jenkins.plugins.rbdcloud.engine.agents;
