package io.jenkins.plugins.rbdcloud.engine.images;

import java.util.Optional;

/**
 * The test boot of a candidate version, run while the promotion still holds the catalog lock (so
 * nothing else, e.g. another controller's clean-up of versions it does not know, touches the
 * candidate meanwhile). Empty: healthy, the candidate becomes current; otherwise why not.
 */
@FunctionalInterface
public interface CandidateTest {

    Optional<String> boot(GoldenVersion candidate);
}
