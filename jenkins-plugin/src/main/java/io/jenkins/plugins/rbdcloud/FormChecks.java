package io.jenkins.plugins.rbdcloud;

import hudson.util.FormValidation;
import io.jenkins.plugins.rbdcloud.engine.config.SettingException;
import java.util.function.IntConsumer;

/**
 * Form validation by the engine's own rules: the descriptors build a settings object with the one
 * field under test and let the engine's builders judge it, so the form and the engine can never
 * disagree and no rule is written twice.
 */
final class FormChecks {

    private FormChecks() {
    }

    /**
     * Runs {@code build}; a {@link SettingException} about {@code field} becomes a form error with
     * the engine's message. Problems of other fields are left to their own checks.
     */
    static FormValidation check(String field, Runnable build) {
        try {
            build.run();
            return FormValidation.ok();
        } catch (SettingException e) {
            return e.key().endsWith("." + field) || e.key().equals(field) ? FormValidation.error(problem(e)) : FormValidation.ok();
        } catch (IllegalArgumentException e) {
            return FormValidation.error(e.getMessage());
        }
    }

    /** {@code value} as an int, or a form error naming the field. */
    static FormValidation checkInt(String field, String value, IntConsumer build) {
        Integer n = parseInt(value);
        if (n == null) {
            return FormValidation.error(field + " must be a whole number, got '" + value + "'");
        }
        return check(field, () -> build.accept(n));
    }

    /** The engine's message without its scope prefix ({@code template 'x': }), which names a placeholder here. */
    static String problem(SettingException e) {
        String m = e.getMessage();
        int colon = m.indexOf(": ");
        return colon < 0 ? m : m.substring(colon + 2);
    }

    static Integer parseInt(String value) {
        try {
            return value == null || value.isBlank() ? null : Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
