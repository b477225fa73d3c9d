package io.jenkins.plugins.rbdcloud.engine.images;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.ceph.ImageSpec;

/**
 * An agent disk made by {@link GoldenImages#cloneForAgent}: the only image QEMU is given.
 *
 * @param spec      agents pool/image
 * @param parent    the golden version snapshot it is a clone of
 * @param ownership the tags written to its metadata
 */
public record AgentDisk(ImageSpec spec, ImageSpec parent, Ownership ownership) {}
