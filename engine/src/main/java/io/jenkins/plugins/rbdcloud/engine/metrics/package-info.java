/**
 * Engine-level counters and timers behind a small interface ({@link io.jenkins.plugins.rbdcloud.engine.metrics.EngineMetrics}),
 * with bounded label values, and their Prometheus text rendering. Imports nothing of the engine.
 */
package io.jenkins.plugins.rbdcloud.engine.metrics;
