package io.jenkins.plugins.rbdcloud.engine.images;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdNames;

/**
 * What {@link GoldenImages#cloneForAgent} makes.
 *
 * @param golden    golden image name
 * @param version   pinned version, or 0 for the current one
 * @param disk      name of the agent disk in the agents pool
 * @param sizeBytes disk size; at least the golden version's size
 * @param cloud     cloud name (ownership tag)
 * @param template  template name (ownership tag)
 * @param agent     agent name (ownership tag)
 * @param testBoot  the clone boots candidate {@code version} for its test: a {@code candidate} is clonable then only
 */
public record AgentCloneRequest(String golden, int version, String disk, long sizeBytes, String cloud, String template,
        String agent, boolean testBoot) {

    public AgentCloneRequest(String golden, int version, String disk, long sizeBytes, String cloud, String template, String agent) {
        this(golden, version, disk, sizeBytes, cloud, template, agent, false);
    }

    public AgentCloneRequest {
        GoldenNames.check(golden);
        RbdNames.check("agent disk", disk);
        Ownership.checkTag("cloud", cloud);
        Ownership.checkTag("template", template);
        Ownership.checkTag("agent", agent);
        if (version < 0) {
            throw new IllegalArgumentException("version must be positive, or 0 for the current one, got " + version);
        }
        if (testBoot && version == 0) {
            throw new IllegalArgumentException("a test boot names the candidate version it boots");
        }
        if (sizeBytes <= 0) {
            throw new IllegalArgumentException("disk size must be positive, got " + sizeBytes);
        }
    }
}
