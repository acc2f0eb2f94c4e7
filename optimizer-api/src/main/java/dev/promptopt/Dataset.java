package dev.promptopt;

import dev.promptopt.spi.EmbeddedDefaults;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An ordered list of examples with unique ids.
 *
 * <pre>{@code
 * Dataset all = Dataset.fromJsonl(Path.of("sentiment.jsonl"));
 * Dataset.Split split = all.split(0.7, 42);    // train / validation, seeded
 * }</pre>
 */
public final class Dataset implements Iterable<Example> {
    private final String name;
    private final List<Example> examples;
    private final Map<String, Example> byId;

    private Dataset(String name, List<Example> examples) {
        this.name = name;
        this.examples = List.copyOf(examples);
        Map<String, Example> index = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Example e : this.examples) {
            Example previous = index.putIfAbsent(e.id(), e);
            if (previous != null) {
                problems.add("duplicate example id '" + e.id() + "' at " + where(e) + ", first seen at " + where(previous));
            }
        }
        if (!problems.isEmpty()) {
            throw InvalidInputException.of("dataset '" + name + "' has duplicate ids", problems);
        }
        this.byId = Collections.unmodifiableMap(index);
    }

    private static String where(Example e) {
        return e.source().isEmpty() ? "#" + e.id() : e.source();
    }

    /** A dataset from examples; ids must be unique. An empty list is allowed here; a run refuses it. */
    public static Dataset of(String name, List<Example> examples) {
        return new Dataset(name, examples);
    }

    public static Dataset of(List<Example> examples) {
        return new Dataset("dataset", examples);
    }

    /** Reads JSON lines (see {@link DatasetFormat#JSONL}); errors name the file, line and field. */
    public static Dataset fromJsonl(Path file) {
        return read(file, DatasetFormat.JSONL);
    }

    /** Reads a JSON array of MLflow-style records (see {@link DatasetFormat#JSON}). */
    public static Dataset fromJson(Path file) {
        return read(file, DatasetFormat.JSON);
    }

    /** Reads a JSON array of SAP records (see {@link DatasetFormat#SAP}). */
    public static Dataset fromSap(Path file) {
        return read(file, DatasetFormat.SAP);
    }

    public static Dataset read(Path file, DatasetFormat format) {
        return EmbeddedDefaults.get().readDataset(file, format);
    }

    public String name() {
        return name;
    }

    public List<Example> examples() {
        return examples;
    }

    public int size() {
        return examples.size();
    }

    public boolean isEmpty() {
        return examples.isEmpty();
    }

    public Optional<Example> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public Set<String> ids() {
        return byId.keySet();
    }

    @Override
    public Iterator<Example> iterator() {
        return examples.iterator();
    }

    /** The first n examples. */
    public Dataset limit(int n) {
        return new Dataset(name, examples.subList(0, Math.min(n, examples.size())));
    }

    /** Two datasets as one; ids must not collide. */
    public Dataset concat(Dataset other) {
        List<Example> all = new ArrayList<>(examples);
        all.addAll(other.examples);
        return new Dataset(name, all);
    }

    /** A train / validation / test split; parts not asked for are empty. */
    public record Split(Dataset train, Dataset validation, Dataset test) {
    }

    /**
     * Shuffles with the seed and splits: the first {@code trainFraction} goes to train, the rest to validation.
     * The same seed and dataset always give the same split.
     */
    public Split split(double trainFraction, long seed) {
        return split(trainFraction, 1.0 - trainFraction, seed);
    }

    /**
     * Train / validation / test split; test gets what remains after train and validation. Sizes are the
     * fractions rounded, except that every part asked for (train always, validation when its fraction is
     * positive, test when the fractions add up to less than 1) gets at least one row when the dataset has
     * enough rows, taken from the largest part.
     *
     * @throws InvalidInputException when a fraction is outside [0,1], train is 0, or they add up to more than 1
     */
    public Split split(double trainFraction, double validationFraction, long seed) {
        if (!(trainFraction > 0 && trainFraction <= 1) || !(validationFraction >= 0 && validationFraction <= 1)
                || trainFraction + validationFraction > 1.0 + 1e-9) {
            throw new InvalidInputException("dataset '" + name + "': invalid split fractions train=" + trainFraction
                    + " validation=" + validationFraction + " (each in [0,1], train > 0, sum <= 1)");
        }
        List<Example> shuffled = new ArrayList<>(examples);
        Rng.seeded(seed).shuffle(shuffled);
        int n = shuffled.size();
        int nTrain = (int) Math.round(n * trainFraction);
        int nVal = Math.min((int) Math.round(n * validationFraction), n - nTrain);
        int[] counts = {nTrain, nVal, n - nTrain - nVal};
        boolean[] wanted = {true, validationFraction > 0, trainFraction + validationFraction < 1.0 - 1e-9};
        // Rounding can leave a requested part empty (3 rows at 0.9/0.1 gave 3/0); give it a row from the largest part.
        for (int part = 0; part < counts.length; part++) {
            if (wanted[part] && counts[part] == 0) {
                int donor = -1;
                for (int d = 0; d < counts.length; d++) {
                    if (counts[d] > 1 && (donor < 0 || counts[d] > counts[donor])) {
                        donor = d;
                    }
                }
                if (donor < 0) {
                    break;
                }
                counts[donor]--;
                counts[part]++;
            }
        }
        nTrain = counts[0];
        nVal = counts[1];
        return new Split(
                new Dataset(name + "/train", shuffled.subList(0, nTrain)),
                new Dataset(name + "/validation", shuffled.subList(nTrain, nTrain + nVal)),
                new Dataset(name + "/test", shuffled.subList(nTrain + nVal, n)));
    }

    /** The template variables that some example lacks in its inputs: "example 'x' (file:line) lacks 'text'". */
    public List<String> missingInputs(Set<String> variables) {
        List<String> problems = new ArrayList<>();
        for (Example e : examples) {
            Set<String> missing = new HashSet<>(variables);
            missing.removeAll(e.inputs().keySet());
            for (String v : new java.util.TreeSet<>(missing)) {
                problems.add(e.describe() + ": inputs lack '" + v + "' (inputs have " + new java.util.TreeSet<>(e.inputs().keySet()) + ")");
            }
        }
        return problems;
    }

    @Override
    public String toString() {
        return "Dataset[" + name + ", " + examples.size() + " examples]";
    }
}
