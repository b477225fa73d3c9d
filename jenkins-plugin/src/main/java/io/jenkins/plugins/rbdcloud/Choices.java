package io.jenkins.plugins.rbdcloud;

import hudson.util.ListBoxModel;
import io.jenkins.plugins.rbdcloud.engine.config.ConfigWord;

/** Drop-down items for the engine's one-word settings, spelled as in its config file (and in JCasC). */
final class Choices {

    private Choices() {
    }

    static <E extends Enum<E> & ConfigWord> ListBoxModel of(Class<E> type) {
        ListBoxModel m = new ListBoxModel();
        for (E e : type.getEnumConstants()) {
            m.add(e.word());
        }
        return m;
    }
}
