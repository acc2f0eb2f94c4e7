package dev.promptopt.core.internal.data;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.promptopt.Dataset;
import dev.promptopt.DatasetFormat;
import dev.promptopt.Example;
import dev.promptopt.InvalidInputException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads datasets from JSON lines, MLflow-style JSON record arrays and SAP record arrays.
 *
 * <p>Every problem in a file is collected and reported at once, each naming the file, the line
 * ({@code train.jsonl:3}) or array index ({@code data.json[2]}, 0-based), the field, what was expected
 * and what was found. Example ids are the record's {@code id} when it has one (a string or an integer),
 * else the first 12 hex digits of the SHA-256 of the inputs as canonical JSON (keys sorted), so an
 * example keeps its id when rows are reordered or other rows are added.
 *
 * <pre>{@code
 * Dataset d = DatasetReader.read(Path.of("train.jsonl"), DatasetFormat.JSONL);
 * }</pre>
 */
public final class DatasetReader {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    // Sorted keys make the id hash independent of the order fields were written in.
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };
    private static final int MAX_SHOWN = 60;

    private DatasetReader() {
    }

    /**
     * Reads a dataset file; the dataset is named after the file.
     *
     * @throws InvalidInputException when the file cannot be read or holds malformed records
     */
    public static Dataset read(Path file, DatasetFormat format) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(format, "format");
        Path fileName = file.getFileName();
        String name = fileName == null ? file.toString() : fileName.toString();
        return parse(name, file.toString(), readText(file, name), format);
    }

    /**
     * Parses dataset content already in memory (e.g. fetched from an object store); {@code name}
     * stands for the file name in error messages and names the dataset.
     */
    public static Dataset parse(String name, String content, DatasetFormat format) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(format, "format");
        return parse(name, name, content, format);
    }

    /** MLflow-style records ({@code inputs}, {@code outputs}, {@code expectations}, {@code tags}, {@code id}). */
    public static Dataset fromRecords(String name, List<? extends Map<String, ?>> records) {
        return fromMaps(name, records, DatasetFormat.JSON);
    }

    /** SAP records ({@code fields}, {@code answer}). */
    public static Dataset fromSapRecords(String name, List<? extends Map<String, ?>> records) {
        return fromMaps(name, records, DatasetFormat.SAP);
    }

    private static Dataset fromMaps(String name, List<? extends Map<String, ?>> records, DatasetFormat format) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(records, "records");
        List<Row> rows = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            rows.add(new Row(name + "[" + i + "]", records.get(i)));
        }
        Builder b = new Builder(name);
        b.addAll(rows, format);
        return b.build(name);
    }

    // ---------------------------------------------------------------------------------------------

    private static Dataset parse(String name, String displayName, String content, DatasetFormat format) {
        if (!content.isEmpty() && content.charAt(0) == '\uFEFF') {
            content = content.substring(1); // a UTF-8 byte order mark some editors write
        }
        char first = firstNonBlank(content);
        Builder b = new Builder(name);
        if (first == 0) {
            return b.build(displayName); // empty: allowed here, a run refuses it later
        }
        DatasetFormat effective = format;
        if (format == DatasetFormat.AUTO) {
            if (first == '{') {
                effective = DatasetFormat.JSONL;
            } else if (first != '[') {
                b.problem(name + ": expected a JSON array of records or JSON lines (one object per line), found "
                        + describeChar(first));
                return b.build(displayName);
            }
        }
        if (effective == DatasetFormat.JSONL) {
            if (first == '[') {
                b.problem(name + ": expected one JSON object per line, found a JSON array"
                        + " (read it with DatasetFormat.JSON, SAP or AUTO)");
            } else {
                readLines(name, content, b);
            }
            return b.build(displayName);
        }
        List<Row> rows = readArray(name, content, b);
        if (rows != null) {
            if (effective == DatasetFormat.AUTO) {
                effective = looksLikeSap(rows) ? DatasetFormat.SAP : DatasetFormat.JSON;
            }
            b.addAll(rows, effective);
        }
        return b.build(displayName);
    }

    private static void readLines(String name, String content, Builder b) {
        int lineNo = 0;
        for (String line : (Iterable<String>) content.lines()::iterator) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String source = name + ":" + lineNo;
            JsonNode node;
            try (JsonParser p = MAPPER.createParser(line)) {
                node = MAPPER.readTree(p);
                JsonToken extra = p.nextToken();
                if (extra != null) {
                    b.problem(source + ": invalid JSON: unexpected text after the object at column "
                            + p.currentTokenLocation().getColumnNr() + " (one object per line)");
                    continue;
                }
            } catch (JsonProcessingException e) {
                b.problem(source + ": invalid JSON: " + e.getOriginalMessage() + at(e.getLocation(), false));
                continue;
            } catch (IOException e) {
                b.problem(source + ": could not read the line: " + e.getMessage());
                continue;
            }
            b.add(new Row(source, toJava(node)), DatasetFormat.JSONL);
        }
    }

    /** The elements of a JSON array, or null when the content is not one (the problem is recorded). */
    private static List<Row> readArray(String name, String content, Builder b) {
        List<Row> rows = new ArrayList<>();
        int index = -1;
        try (JsonParser p = MAPPER.createParser(content)) {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_ARRAY) {
                b.problem(name + ": expected a JSON array of records, found " + describeToken(t));
                return null;
            }
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                index++;
                if (t == null) {
                    b.problem(name + ": invalid JSON: the array is not closed (missing ']' at the end)");
                    return null;
                }
                JsonNode node = MAPPER.readTree(p);
                rows.add(new Row(name + "[" + index + "]", toJava(node)));
            }
            if (p.nextToken() != null) {
                b.problem(name + ": invalid JSON: unexpected text after the array" + at(p.currentTokenLocation(), true));
                return null;
            }
            return rows;
        } catch (JsonProcessingException e) {
            String where = index < 0 ? name : name + "[" + index + "]";
            b.problem(where + ": invalid JSON: " + e.getOriginalMessage() + at(e.getLocation(), true));
            return null;
        } catch (IOException e) {
            b.problem(name + ": could not read: " + e.getMessage());
            return null;
        }
    }

    private static boolean looksLikeSap(List<Row> rows) {
        for (Row r : rows) {
            if (r.value() instanceof Map<?, ?> m) {
                return m.containsKey("fields") && !m.containsKey("inputs");
            }
        }
        return false;
    }

    private static Object toJava(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return null;
        }
        if (node.isObject()) {
            return MAPPER.convertValue(node, MAP);
        }
        return MAPPER.convertValue(node, Object.class);
    }

    private static String at(JsonLocation loc, boolean withLine) {
        if (loc == null || loc.getColumnNr() < 0) {
            return "";
        }
        return withLine ? " at line " + loc.getLineNr() + ", column " + loc.getColumnNr() : " at column " + loc.getColumnNr();
    }

    private static String readText(Path file, String name) {
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                throw new InvalidInputException(name + ": is a directory, expected a dataset file (" + file + ")");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(name + ": file not found (" + file.toAbsolutePath() + ")", e);
        } catch (AccessDeniedException e) {
            throw new InvalidInputException(name + ": file is not readable, permission denied (" + file.toAbsolutePath() + ")", e);
        } catch (IOException e) {
            throw new InvalidInputException(name + ": could not read the file (" + file.toAbsolutePath() + "): " + e, e);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidInputException(name + ": is not valid UTF-8 text (" + file.toAbsolutePath() + ")", e);
        }
    }

    private static char firstNonBlank(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!Character.isWhitespace(c)) {
                return c;
            }
        }
        return 0;
    }

    private static String describeChar(char c) {
        return "'" + c + "' at the start";
    }

    private static String describeToken(JsonToken t) {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_OBJECT -> "object";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> t.toString();
        };
    }

    /** "string \"abc\"", "number 3", "object", "array", "null" for messages. */
    static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String s) {
            return "string \"" + (s.length() > MAX_SHOWN ? s.substring(0, MAX_SHOWN) + "..." : s) + "\"";
        }
        if (v instanceof Number n) {
            return "number " + n;
        }
        if (v instanceof Boolean bool) {
            return "boolean " + bool;
        }
        if (v instanceof Map<?, ?> m) {
            return m.isEmpty() ? "an empty object" : "object";
        }
        if (v instanceof List<?> || v instanceof Object[]) {
            return "array";
        }
        return v.getClass().getSimpleName();
    }

    // ---------------------------------------------------------------------------------------------

    /** One raw record and where it came from. */
    private record Row(String source, Object value) {
    }

    /** Where an id was first used, and whether the record named it or it was derived from the inputs. */
    private record IdUse(String source, boolean explicit) {
    }

    /** Validates records into examples and collects every problem. */
    private static final class Builder {
        private final String name;
        private final List<Example> examples = new ArrayList<>();
        private final List<String> problems = new ArrayList<>();
        private final Map<String, IdUse> ids = new LinkedHashMap<>();
        private Set<String> sapKeys;
        private String sapKeysSource;

        Builder(String name) {
            this.name = name;
        }

        void problem(String p) {
            problems.add(p);
        }

        void addAll(List<Row> rows, DatasetFormat format) {
            for (Row r : rows) {
                add(r, format);
            }
        }

        void add(Row row, DatasetFormat format) {
            String src = row.source();
            if (!(row.value() instanceof Map<?, ?> record)) {
                problem(src + ": expected a JSON object, found " + describe(row.value()));
                return;
            }
            int before = problems.size();
            String explicitId = id(src, record.get("id"));
            Map<String, Object> inputs;
            Object outputs;
            Map<String, Object> expectations = Map.of();
            if (format == DatasetFormat.SAP) {
                inputs = sapFields(src, record);
                Object answer = record.get("answer");
                outputs = answer;
                if (!record.containsKey("answer")) {
                    problem(src + ": field 'answer' is missing (found keys " + keys(record) + ")");
                } else if (!(answer instanceof String)) {
                    problem(src + ": field 'answer' must be a string, found " + describe(answer)
                            + " (SAP answers are strings; encode JSON answers as a string)");
                }
            } else {
                inputs = inputs(src, record);
                outputs = record.get("outputs");
                Object exp = record.get("expectations");
                if (exp instanceof Map<?, ?> m) {
                    expectations = stringKeys(m);
                } else if (exp != null) {
                    problem(src + ": field 'expectations' must be an object, found " + describe(exp));
                }
            }
            Map<String, String> tags = tags(src, record.get("tags"));
            if (problems.size() > before) {
                return;
            }
            String id = explicitId != null ? explicitId : hashId(inputs);
            IdUse previous = ids.putIfAbsent(id, new IdUse(src, explicitId != null));
            if (previous != null) {
                if (explicitId == null && !previous.explicit()) {
                    problem(src + ": same inputs as " + previous.source() + " and neither record has an 'id'"
                            + " to tell them apart (add an 'id' field, or remove the duplicate)");
                } else {
                    problem(src + ": duplicate id '" + id + "', first used at " + previous.source());
                }
                return;
            }
            examples.add(new Example(id, inputs, outputs, expectations, tags, src));
        }

        private String id(String src, Object raw) {
            if (raw == null) {
                return null;
            }
            if (raw instanceof String s && !s.isBlank()) {
                return s;
            }
            if (raw instanceof Integer || raw instanceof Long || raw instanceof BigInteger || raw instanceof Short) {
                return raw.toString();
            }
            problem(src + ": field 'id' must be a non-blank string or an integer, found " + describe(raw));
            return null;
        }

        private Map<String, Object> inputs(String src, Map<?, ?> record) {
            if (!record.containsKey("inputs")) {
                String hint = record.containsKey("fields") && record.containsKey("answer")
                        ? "; these look like SAP records: read them with DatasetFormat.SAP or AUTO" : "";
                problem(src + ": field 'inputs' is missing (found keys " + keys(record) + hint + ")");
                return Map.of();
            }
            Object in = record.get("inputs");
            if (!(in instanceof Map<?, ?> m) || m.isEmpty()) {
                problem(src + ": field 'inputs' must be a non-empty object, found " + describe(in));
                return Map.of();
            }
            return stringKeys(m);
        }

        private Map<String, Object> sapFields(String src, Map<?, ?> record) {
            if (!record.containsKey("fields")) {
                problem(src + ": field 'fields' is missing (found keys " + keys(record) + ")");
                return Map.of();
            }
            Object f = record.get("fields");
            if (!(f instanceof Map<?, ?> m) || m.isEmpty()) {
                problem(src + ": field 'fields' must be a non-empty object of strings, found " + describe(f));
                return Map.of();
            }
            boolean ok = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getValue() instanceof String)) {
                    problem(src + ": SAP field '" + e.getKey() + "' must be a string, found " + describe(e.getValue()));
                    ok = false;
                }
            }
            Set<String> keys = new TreeSet<>();
            m.keySet().forEach(k -> keys.add(String.valueOf(k)));
            if (sapKeys == null) {
                sapKeys = keys;
                sapKeysSource = src;
            } else if (!sapKeys.equals(keys)) {
                problem(src + ": SAP fields " + keys + " differ from the first row's " + sapKeys + " (" + sapKeysSource
                        + "); every row needs the same fields");
                ok = false;
            }
            return ok ? stringKeys(m) : Map.of();
        }

        private Map<String, String> tags(String src, Object raw) {
            if (raw == null) {
                return Map.of();
            }
            if (!(raw instanceof Map<?, ?> m)) {
                problem(src + ": field 'tags' must be an object of strings, found " + describe(raw));
                return Map.of();
            }
            Map<String, String> tags = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (e.getValue() instanceof String s) {
                    tags.put(String.valueOf(e.getKey()), s);
                } else {
                    problem(src + ": tag '" + e.getKey() + "' must be a string, found " + describe(e.getValue()));
                }
            }
            return tags;
        }

        Dataset build(String displayName) {
            if (!problems.isEmpty()) {
                throw InvalidInputException.of("invalid dataset " + displayName, problems);
            }
            return Dataset.of(name, examples);
        }
    }

    private static Map<String, Object> stringKeys(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    private static List<String> keys(Map<?, ?> m) {
        List<String> keys = new ArrayList<>();
        m.keySet().forEach(k -> keys.add(String.valueOf(k)));
        return keys;
    }

    /** The first 12 hex digits of the SHA-256 of the inputs as canonical JSON. */
    static String hashId(Map<String, Object> inputs) {
        String canonical;
        try {
            canonical = CANONICAL.writeValueAsString(inputs);
        } catch (JsonProcessingException e) {
            // Values Jackson cannot write (only possible for records built in code) still get a stable id.
            canonical = new java.util.TreeMap<>(inputs).toString();
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
