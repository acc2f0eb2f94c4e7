package dev.promptopt.core.internal.data;

import dev.promptopt.Dataset;
import dev.promptopt.DatasetFormat;
import java.nio.file.Path;

public final class DatasetReader { public static Dataset read(Path file, DatasetFormat format) { throw new UnsupportedOperationException("placeholder"); } }
