/**
 * Small helpers with no rbd-cloud knowledge: a bounded JSON parser and writer.
 * Nothing here depends on another rbd-cloud package.
 */
package io.jenkins.plugins.rbdcloud.engine.util;
