/**
 * The Jenkins adapter: the rbd-cloud Cloud, its templates, agents, launchers, views and JCasC support.
 * Thin: anything decidable without Jenkins classes belongs in the engine.
 */
package io.jenkins.plugins.rbdcloud;
