package io.jenkins.plugins.rbdcloud.engine.images;

import java.util.Locale;

/**
 * The format an imported file is opened as. Only raw and qcow2 are imported, and qemu-img is
 * always told which one: it never guesses (docs/golden-images.md, "Import").
 */
public enum ImportFormat {
    /** qcow2 when the file starts with the qcow2 magic, raw when it starts like no known format; refused otherwise. */
    DETECT,
    /** The bytes of the file as they are, whatever they start with. */
    RAW,
    /** Must start with the qcow2 magic. */
    QCOW2;

    /** {@code detect}, {@code raw} or {@code qcow2}, as the CLI takes it. */
    public static ImportFormat parse(String name) {
        for (ImportFormat f : values()) {
            if (f.name().toLowerCase(Locale.ROOT).equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("import format must be detect, raw or qcow2, got '" + name + "'");
    }
}
