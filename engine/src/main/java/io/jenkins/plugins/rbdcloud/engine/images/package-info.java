/**
 * Golden images: the versioned catalog in the images pool, import, promotion, agent clones and retention.
 * Every write holds the catalog lease; every step has an undo.
 */
package io.jenkins.plugins.rbdcloud.engine.images;
