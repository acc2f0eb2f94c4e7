package dev.promptopt.core;

import dev.promptopt.Dataset;
import dev.promptopt.DatasetFormat;
import dev.promptopt.InvalidInputException;
import dev.promptopt.core.internal.data.DatasetReader;
import java.util.List;
import java.util.Map;

/**
 * Datasets from records built in code or from content already in memory. Files are read with
 * {@link Dataset#fromJsonl}, {@link Dataset#fromJson}, {@link Dataset#fromSap} and {@link Dataset#read}.
 *
 * <pre>{@code
 * Dataset d = Datasets.fromRecords("sentiment", List.of(
 *     Map.of("inputs", Map.of("text", "I love it"), "outputs", "positive"),
 *     Map.of("inputs", Map.of("text", "Meh"), "expectations", Map.of("expected_response", "neutral"))));
 *
 * Dataset sap = Datasets.parse("s3://bucket/train.json", store.getString("train.json"), DatasetFormat.AUTO);
 * }</pre>
 *
 * <p>Ids: a record's {@code id} (string or integer) when it has one, else a short hash of its inputs,
 * so ids survive reordering. Errors name the record as {@code name[index]} (0-based) or {@code name:line}.
 */
public final class Datasets {
    private Datasets() {
    }

    /**
     * A dataset from MLflow-style records: {@code inputs} (a non-empty map), and optionally {@code outputs}
     * (the reference output), {@code expectations} (a map), {@code tags} (a map of strings) and {@code id}.
     *
     * @throws InvalidInputException listing every malformed record
     */
    public static Dataset fromRecords(String name, List<? extends Map<String, ?>> records) {
        return DatasetReader.fromRecords(name, records);
    }

    /**
     * A dataset from SAP records: {@code fields} (a non-empty map of strings, the same keys in every row)
     * become the inputs and {@code answer} (a string) the reference output.
     *
     * @throws InvalidInputException listing every malformed record
     */
    public static Dataset fromSapRecords(String name, List<? extends Map<String, ?>> records) {
        return DatasetReader.fromSapRecords(name, records);
    }

    /**
     * Parses dataset content held in memory, e.g. fetched from an object store. {@code name} takes the
     * place of the file name in error messages and names the dataset.
     *
     * @throws InvalidInputException listing every malformed record
     */
    public static Dataset parse(String name, String content, DatasetFormat format) {
        return DatasetReader.parse(name, content, format);
    }
}
