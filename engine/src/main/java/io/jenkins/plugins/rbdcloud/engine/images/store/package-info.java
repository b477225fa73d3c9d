/**
 * How a golden image catalog is stored in the images pool: the catalog image and its metadata keys, the lease that serializes changes, and the undo list every change registers its steps in.
 * Shared by the catalog (images.internal) and replication (replication.internal), which write versions the same way; not used elsewhere.
 */
package io.jenkins.plugins.rbdcloud.engine.images.store;
