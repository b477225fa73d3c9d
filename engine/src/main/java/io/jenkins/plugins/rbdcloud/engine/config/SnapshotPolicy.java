package io.jenkins.plugins.rbdcloud.engine.config;

/** Whether a successful build's disk becomes the template's next golden version. */
public enum SnapshotPolicy implements ConfigWord {
    /** The agent disk is always thrown away. */
    NEVER,
    /** After a successful build the disk is snapshotted and promoted to a new golden version. */
    ON_SUCCESS
}
