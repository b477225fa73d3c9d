package io.jenkins.plugins.rbdcloud.engine.images.internal;

import io.jenkins.plugins.rbdcloud.engine.images.GoldenImageException;

/**
 * A change of the catalog failed and reading {@code current} back failed too: the new version may
 * be current, so nothing was undone. {@code images show} tells; a complete version that is not
 * current is pruned like any other, a half-made one is removed by {@code completeFlattens()}.
 */
public final class CurrentUnknownException extends GoldenImageException {

    CurrentUnknownException(String golden, int n, Throwable failure, RuntimeException readFailure) {
        super("promoting " + golden + "@v" + n + " failed (" + failure.getMessage() + ") and current could not be read back, "
                + "so nothing was undone: v" + n + " may be current; check with 'images show " + golden + "'", failure);
        addSuppressed(readFailure);
    }
}
