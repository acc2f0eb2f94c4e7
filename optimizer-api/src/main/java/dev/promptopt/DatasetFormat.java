package dev.promptopt;

/**
 * The file formats {@link Dataset} reads.
 *
 * <pre>{@code
 * Dataset d = Dataset.read(Path.of("train.json"), DatasetFormat.SAP);
 * }</pre>
 */
public enum DatasetFormat {
    /** One JSON object per line: {@code {"id"?, "inputs": {...}, "outputs"?: ..., "expectations"?: {...}, "tags"?: {...}}}. */
    JSONL,
    /** A JSON array of the same objects as {@link #JSONL} (MLflow's evaluation records). */
    JSON,
    /** A JSON array of SAP records: {@code {"fields": {"name": "string"}, "answer": "string"}}. */
    SAP,
    /** Chosen from the content: a JSON array of SAP or MLflow records, or JSON lines. */
    AUTO
}
