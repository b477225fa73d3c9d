package io.jenkins.plugins.rbdcloud.engine.images;

/**
 * A candidate version was made but could not be settled (made current or rejected), e.g. the
 * catalog lock was lost during its test boot. It stays {@code candidate}; another promotion path
 * must not be tried for the same disk.
 */
public final class CandidateUnsettledException extends GoldenImageException {

    public CandidateUnsettledException(String message, Throwable cause) {
        super(message, cause);
    }
}
