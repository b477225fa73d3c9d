package io.jenkins.plugins.rbdcloud.engine.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** A choice written as one word in the config file, e.g. {@code on-success}. Implemented by the setting enums only. */
public interface ConfigWord {

    /** The word used in the config file: the constant's name in lowercase, {@code _} written {@code -}. */
    default String word() {
        return ((Enum<?>) this).name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Finds the choice spelled {@code word}; the error lists every valid word. */
    static <E extends Enum<E> & ConfigWord> E parse(String key, String word, Class<E> type) {
        E[] choices = type.getEnumConstants();
        for (E e : choices) {
            if (e.word().equals(word)) {
                return e;
            }
        }
        String all = Arrays.stream(choices).map(ConfigWord::word).collect(Collectors.joining(", "));
        throw new SettingException(key, key + " must be one of " + all + ", got " + Check.quoted(word));
    }
}
