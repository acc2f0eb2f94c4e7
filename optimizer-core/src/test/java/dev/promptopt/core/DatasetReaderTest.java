package dev.promptopt.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.Dataset;
import dev.promptopt.DatasetFormat;
import dev.promptopt.Example;
import dev.promptopt.InvalidInputException;
import dev.promptopt.core.internal.data.DatasetReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetReaderTest {
    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private Dataset read(String name, String content, DatasetFormat format) throws IOException {
        return DatasetReader.read(write(name, content), format);
    }

    private InvalidInputException readFails(String name, String content, DatasetFormat format) throws IOException {
        Path file = write(name, content);
        try {
            DatasetReader.read(file, format);
        } catch (InvalidInputException e) {
            return e;
        }
        throw new AssertionError("expected an InvalidInputException for " + name);
    }

    @Nested
    class ReadingWellFormedFiles {
        @Test
        void jsonlLinesBecomeExamplesWithEveryFieldAndTheirLineAsSource() throws IOException {
            Dataset d = read("train.jsonl", """
                    {"id": "a", "inputs": {"text": "I love it"}, "outputs": "positive", "tags": {"split": "gold"}}

                    {"inputs": {"text": "Meh", "lang": "en"}, "expectations": {"expected_response": "neutral", "guidelines": ["short"]}}
                    """, DatasetFormat.JSONL);

            assertThat(d.name()).isEqualTo("train.jsonl");
            assertThat(d.size()).isEqualTo(2);
            Example first = d.examples().get(0);
            assertThat(first.id()).isEqualTo("a");
            assertThat(first.inputs()).containsExactly(Map.entry("text", "I love it"));
            assertThat(first.outputs()).isEqualTo("positive");
            assertThat(first.tags()).containsExactly(Map.entry("split", "gold"));
            assertThat(first.source()).isEqualTo("train.jsonl:1");
            Example second = d.examples().get(1);
            assertThat(second.source()).as("blank line 2 is skipped, numbering keeps file lines").isEqualTo("train.jsonl:3");
            assertThat(second.inputs()).containsOnlyKeys("text", "lang");
            assertThat(second.outputs()).isNull();
            assertThat(second.referenceOutput()).isEqualTo("neutral");
            assertThat(second.expectations()).containsEntry("guidelines", List.of("short"));
        }

        @Test
        void jsonlKeepsStructuredOutputsAndNumbersAsJsonTypes() throws IOException {
            Dataset d = read("t.jsonl", "{\"id\": 7, \"inputs\": {\"n\": 3, \"x\": 1.5, \"ok\": true}, \"outputs\": {\"sum\": 4}}\r\n",
                    DatasetFormat.JSONL);
            Example e = d.examples().get(0);
            assertThat(e.id()).isEqualTo("7");
            assertThat(e.inputs()).containsEntry("n", 3).containsEntry("x", 1.5).containsEntry("ok", true);
            assertThat(e.outputs()).isEqualTo(Map.of("sum", 4));
        }

        @Test
        void jsonArrayOfMlflowRecordsIsReadWithIndexAsSource() throws IOException {
            Dataset d = read("data.json", """
                    [
                      {"inputs": {"q": "2+2"}, "outputs": "4"},
                      {"inputs": {"q": "3+3"}, "expectations": {"expected_response": "6"}}
                    ]""", DatasetFormat.JSON);
            assertThat(d.size()).isEqualTo(2);
            assertThat(d.examples()).extracting(Example::source).containsExactly("data.json[0]", "data.json[1]");
            assertThat(d.examples()).extracting(Example::referenceOutput).containsExactly("4", "6");
        }

        @Test
        void sapRecordsMapFieldsToInputsAndAnswerToOutputs() throws IOException {
            Dataset d = read("sap.json", """
                    [{"fields": {"text": "I love it", "lang": "en"}, "answer": "{\\"sentiment\\": \\"positive\\"}"},
                     {"fields": {"lang": "de", "text": "Schlecht"}, "answer": "{\\"sentiment\\": \\"negative\\"}"}]
                    """, DatasetFormat.SAP);
            assertThat(d.size()).isEqualTo(2);
            Example e = d.examples().get(0);
            assertThat(e.inputs()).containsExactly(Map.entry("text", "I love it"), Map.entry("lang", "en"));
            assertThat(e.outputs()).isEqualTo("{\"sentiment\": \"positive\"}");
            assertThat(e.expectations()).isEmpty();
            assertThat(e.source()).isEqualTo("sap.json[0]");
        }

        @Test
        void autoRecognizesSapArraysMlflowArraysAndJsonLines() throws IOException {
            Dataset sap = read("a.json", "[{\"fields\": {\"t\": \"x\"}, \"answer\": \"y\"}]", DatasetFormat.AUTO);
            Dataset mlflow = read("b.json", "  [{\"inputs\": {\"t\": \"x\"}, \"outputs\": \"y\"}]", DatasetFormat.AUTO);
            Dataset lines = read("c.txt", "\n{\"inputs\": {\"t\": \"x\"}, \"outputs\": \"y\"}\n{\"inputs\": {\"t\": \"z\"}}\n",
                    DatasetFormat.AUTO);
            assertThat(sap.examples().get(0).inputs()).containsEntry("t", "x");
            assertThat(sap.examples().get(0).outputs()).isEqualTo("y");
            assertThat(mlflow.examples().get(0).outputs()).isEqualTo("y");
            assertThat(lines.examples()).extracting(Example::source).containsExactly("c.txt:2", "c.txt:3");
        }

        @Test
        void emptyOrBlankFileGivesAnEmptyDataset() throws IOException {
            assertThat(read("e.jsonl", "", DatasetFormat.JSONL).isEmpty()).isTrue();
            assertThat(read("e.json", " \n\n ", DatasetFormat.JSON).isEmpty()).isTrue();
            assertThat(read("e2.json", "[]", DatasetFormat.SAP).isEmpty()).isTrue();
            assertThat(read("e3", "\n", DatasetFormat.AUTO).isEmpty()).isTrue();
        }

        @Test
        void utf8ByteOrderMarkAtTheStartIsIgnored() throws IOException {
            Dataset d = read("bom.jsonl", "\uFEFF{\"inputs\": {\"t\": \"é\"}}\n", DatasetFormat.AUTO);
            assertThat(d.examples().get(0).inputs()).containsEntry("t", "é");
        }

        @Test
        void contentInMemoryIsParsedWithTheGivenNameInSourcesAndErrors() {
            Dataset d = Datasets.parse("s3://bucket/train.jsonl", "{\"inputs\": {\"t\": \"x\"}}", DatasetFormat.JSONL);
            assertThat(d.name()).isEqualTo("s3://bucket/train.jsonl");
            assertThat(d.examples().get(0).source()).isEqualTo("s3://bucket/train.jsonl:1");
            assertThatThrownBy(() -> Datasets.parse("s3://bucket/bad.jsonl", "{\"x\": 1}", DatasetFormat.JSONL))
                    .hasMessageContaining("s3://bucket/bad.jsonl:1: field 'inputs' is missing");
        }

        @Test
        void recordsBuiltInCodeBecomeADataset() {
            Dataset d = Datasets.fromRecords("mem", List.of(
                    Map.of("inputs", Map.of("text", "I love it"), "outputs", "positive"),
                    Map.of("id", "r2", "inputs", Map.of("text", "Meh"), "expectations", Map.of("expected_response", "neutral"))));
            assertThat(d.name()).isEqualTo("mem");
            assertThat(d.examples()).extracting(Example::referenceOutput).containsExactly("positive", "neutral");
            assertThat(d.examples().get(1).id()).isEqualTo("r2");
            assertThat(d.examples().get(0).source()).isEqualTo("mem[0]");
        }

        @Test
        void sapRecordsBuiltInCodeBecomeADataset() {
            Dataset d = Datasets.fromSapRecords("sap", List.of(Map.of("fields", Map.of("text", "hi"), "answer", "greeting")));
            assertThat(d.examples().get(0).inputs()).containsEntry("text", "hi");
            assertThat(d.examples().get(0).outputs()).isEqualTo("greeting");
        }
    }

    @Nested
    class Ids {
        @Test
        void recordsWithoutIdGetAShortHashOfTheirInputs() throws IOException {
            Dataset d = read("t.jsonl", "{\"inputs\": {\"text\": \"a\"}}\n", DatasetFormat.JSONL);
            assertThat(d.examples().get(0).id()).matches("[0-9a-f]{12}");
        }

        @Test
        void hashIdsSurviveReorderingOfRowsAndOfKeysAndIgnoreOutputs() throws IOException {
            Dataset one = read("1.jsonl", """
                    {"inputs": {"text": "a", "lang": "en"}, "outputs": "x"}
                    {"inputs": {"text": "b", "lang": "en"}}
                    """, DatasetFormat.JSONL);
            Dataset two = read("2.jsonl", """
                    {"inputs": {"text": "b", "lang": "en"}}
                    {"inputs": {"lang": "en", "text": "a"}, "outputs": "changed"}
                    """, DatasetFormat.JSONL);
            assertThat(two.ids()).containsExactlyInAnyOrderElementsOf(one.ids());
            assertThat(one.examples().get(0).id()).isEqualTo(two.examples().get(1).id());
        }

        @Test
        void sameRecordsGiveTheSameIdsInEveryFormat() throws IOException {
            Dataset lines = read("x.jsonl", "{\"inputs\": {\"text\": \"a\"}, \"outputs\": \"y\"}", DatasetFormat.JSONL);
            Dataset sap = read("x.json", "[{\"fields\": {\"text\": \"a\"}, \"answer\": \"y\"}]", DatasetFormat.SAP);
            Dataset mem = Datasets.fromRecords("m", List.of(Map.of("inputs", Map.of("text", "a"))));
            assertThat(sap.ids()).isEqualTo(lines.ids()).isEqualTo(mem.ids());
        }

        @Test
        void explicitIdsMayBeStringsOrIntegers() throws IOException {
            Dataset d = read("t.jsonl", "{\"id\": \"x-1\", \"inputs\": {\"t\": 1}}\n{\"id\": 2, \"inputs\": {\"t\": 1}}",
                    DatasetFormat.JSONL);
            assertThat(d.ids()).containsExactly("x-1", "2");
        }
    }

    @Nested
    class Splitting {
        private Dataset twenty() {
            List<Map<String, Object>> records = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                records.add(Map.of("id", "r" + i, "inputs", Map.of("i", i)));
            }
            return Datasets.fromRecords("twenty", records);
        }

        @Test
        void theSameSeedGivesTheSameSplit() {
            Dataset.Split a = twenty().split(0.7, 42);
            Dataset.Split b = twenty().split(0.7, 42);
            assertThat(a.train().ids()).containsExactlyElementsOf(b.train().ids());
            assertThat(a.validation().ids()).containsExactlyElementsOf(b.validation().ids());
            assertThat(a.train().size()).isEqualTo(14);
            assertThat(a.validation().size()).isEqualTo(6);
            assertThat(a.test().isEmpty()).isTrue();
        }

        @Test
        void anotherSeedShufflesDifferentlyAndPartsNeverOverlap() {
            Dataset.Split a = twenty().split(0.5, 0.25, 1);
            Dataset.Split b = twenty().split(0.5, 0.25, 2);
            assertThat(a.train().ids()).isNotEqualTo(b.train().ids());
            assertThat(a.train().size() + a.validation().size() + a.test().size()).isEqualTo(20);
            assertThat(a.train().ids()).doesNotContainAnyElementsOf(a.validation().ids()).doesNotContainAnyElementsOf(a.test().ids());
            assertThat(a.validation().size()).isEqualTo(5);
            assertThat(a.test().size()).isEqualTo(5);
        }

        @Test
        void invalidFractionsAreRefusedNamingThem() {
            assertThatThrownBy(() -> twenty().split(0.8, 0.3, 1))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("train=0.8 validation=0.3");
        }
    }

    @Nested
    class MalformedInput {
        @Test
        void brokenJsonLineNamesFileLineAndColumn() throws IOException {
            InvalidInputException e = readFails("train.jsonl", """
                    {"inputs": {"t": "a"}}
                    {"inputs": {"t": "b"}
                    """, DatasetFormat.JSONL);
            assertThat(e.problems()).singleElement().asString()
                    .startsWith("train.jsonl:2: invalid JSON: ")
                    .contains("column");
            assertThat(e.getMessage()).startsWith("invalid dataset " + dir.resolve("train.jsonl"));
        }

        @Test
        void unexpectedCharacterReportsTheColumn() throws IOException {
            InvalidInputException e = readFails("train.jsonl", "{\"inputs\": {\"t\": @}}", DatasetFormat.JSONL);
            assertThat(e.problems()).singleElement().asString()
                    .startsWith("train.jsonl:1: invalid JSON: Unexpected character ('@'")
                    .endsWith("at column 18");
        }

        @Test
        void missingInputsNamesTheKeysFound() throws IOException {
            InvalidInputException e = readFails("train.jsonl", "{\"input\": {\"t\": \"a\"}, \"outputs\": \"x\"}", DatasetFormat.JSONL);
            assertThat(e.problems()).containsExactly("train.jsonl:1: field 'inputs' is missing (found keys [input, outputs])");
        }

        @Test
        void inputsThatAreNotAnObjectAreRefused() throws IOException {
            InvalidInputException e = readFails("train.jsonl", "{\"inputs\": \"hello\"}", DatasetFormat.JSONL);
            assertThat(e.problems()).containsExactly("train.jsonl:1: field 'inputs' must be a non-empty object, found string \"hello\"");
        }

        @Test
        void emptyInputsAreRefused() throws IOException {
            InvalidInputException e = readFails("train.jsonl", "{\"inputs\": {}}", DatasetFormat.JSONL);
            assertThat(e.problems()).containsExactly("train.jsonl:1: field 'inputs' must be a non-empty object, found an empty object");
        }

        @Test
        void aJsonlLineThatIsNotAnObjectIsRefused() throws IOException {
            InvalidInputException e = readFails("train.jsonl", "{\"inputs\": {\"t\": 1}}\n[1, 2]\n\"text\"", DatasetFormat.JSONL);
            assertThat(e.problems()).containsExactly(
                    "train.jsonl:2: expected a JSON object, found array",
                    "train.jsonl:3: expected a JSON object, found string \"text\"");
        }

        @Test
        void twoObjectsOnOneLineAreRefused() throws IOException {
            InvalidInputException e = readFails("train.jsonl", "{\"inputs\": {\"t\": 1}} {\"inputs\": {\"t\": 2}}", DatasetFormat.JSONL);
            assertThat(e.problems()).singleElement().asString()
                    .startsWith("train.jsonl:1: invalid JSON: unexpected text after the object at column 22");
        }

        @Test
        void duplicateKeyInARecordIsRefused() throws IOException {
            InvalidInputException e = readFails("train.jsonl", "{\"inputs\": {\"t\": 1, \"t\": 2}}", DatasetFormat.JSONL);
            assertThat(e.problems()).singleElement().asString()
                    .startsWith("train.jsonl:1: invalid JSON: Duplicate field 't'");
        }

        @Test
        void jsonArrayReadAsJsonLinesSaysWhichFormatToUse() throws IOException {
            InvalidInputException e = readFails("data.jsonl", "[\n{\"inputs\": {\"t\": 1}}\n]", DatasetFormat.JSONL);
            assertThat(e.problems()).containsExactly("data.jsonl: expected one JSON object per line, found a JSON array"
                    + " (read it with DatasetFormat.JSON, SAP or AUTO)");
        }

        @Test
        void nonStringSapFieldIsRefused() throws IOException {
            InvalidInputException e = readFails("data.json", """
                    [{"fields": {"text": "a"}, "answer": "x"},
                     {"fields": {"text": 3}, "answer": "y"}]""", DatasetFormat.SAP);
            assertThat(e.problems()).containsExactly("data.json[1]: SAP field 'text' must be a string, found number 3");
        }

        @Test
        void sapFieldKeysThatDifferFromTheFirstRowAreRefused() throws IOException {
            InvalidInputException e = readFails("data.json", """
                    [{"fields": {"a": "1"}, "answer": "x"},
                     {"fields": {"a": "1", "b": "2"}, "answer": "y"}]""", DatasetFormat.SAP);
            assertThat(e.problems()).containsExactly("data.json[1]: SAP fields [a, b] differ from the first row's [a]"
                    + " (data.json[0]); every row needs the same fields");
        }

        @Test
        void sapAnswerThatIsNotAStringIsRefused() throws IOException {
            InvalidInputException e = readFails("data.json", "[{\"fields\": {\"a\": \"1\"}, \"answer\": {\"x\": 1}}]", DatasetFormat.SAP);
            assertThat(e.problems()).singleElement().asString()
                    .startsWith("data.json[0]: field 'answer' must be a string, found object");
        }

        @Test
        void sapRecordWithoutAnswerOrFieldsIsRefused() throws IOException {
            InvalidInputException e = readFails("data.json", "[{\"fields\": {\"a\": \"1\"}}, {\"answer\": \"x\"}]", DatasetFormat.SAP);
            assertThat(e.problems()).containsExactly(
                    "data.json[0]: field 'answer' is missing (found keys [fields])",
                    "data.json[1]: field 'fields' is missing (found keys [answer])");
        }

        @Test
        void sapRecordsReadAsMlflowRecordsHintAtTheFormat() throws IOException {
            InvalidInputException e = readFails("data.json", "[{\"fields\": {\"a\": \"1\"}, \"answer\": \"x\"}]", DatasetFormat.JSON);
            assertThat(e.problems()).singleElement().asString()
                    .contains("field 'inputs' is missing")
                    .contains("read them with DatasetFormat.SAP or AUTO");
        }

        @Test
        void aJsonFileThatIsNotAnArrayIsRefused() throws IOException {
            InvalidInputException e = readFails("data.json", "{\"inputs\": {\"a\": 1}}", DatasetFormat.JSON);
            assertThat(e.problems()).containsExactly("data.json: expected a JSON array of records, found object");
        }

        @Test
        void anUnclosedArrayIsReported() throws IOException {
            InvalidInputException e = readFails("data.json", "[{\"inputs\": {\"a\": 1}},", DatasetFormat.JSON);
            assertThat(e.getMessage()).contains("data.json").contains("invalid JSON");
        }

        @Test
        void brokenJsonInsideAnArrayNamesTheElementLineAndColumn() throws IOException {
            InvalidInputException e = readFails("data.json", "[\n{\"inputs\": {\"a\": 1}},\n{\"inputs\": {\"a\": }}\n]", DatasetFormat.AUTO);
            assertThat(e.problems()).singleElement().asString()
                    .startsWith("data.json[1]: invalid JSON: ")
                    .contains("at line 3, column 18");
        }

        @Test
        void aMissingFileIsNamedWithItsPath() {
            Path missing = dir.resolve("missing.jsonl");
            assertThatThrownBy(() -> DatasetReader.read(missing, DatasetFormat.JSONL))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessage("missing.jsonl: file not found (" + missing.toAbsolutePath() + ")")
                    .hasCauseInstanceOf(java.nio.file.NoSuchFileException.class);
        }

        @Test
        void aDirectoryIsNotADatasetFile() {
            assertThatThrownBy(() -> DatasetReader.read(dir, DatasetFormat.AUTO))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("is a directory, expected a dataset file");
        }

        @Test
        void aFileThatIsNotUtf8IsRefused() throws IOException {
            Path f = Files.write(dir.resolve("latin1.jsonl"), "{\"inputs\": {\"t\": \"caf\u00e9\"}}".getBytes(StandardCharsets.ISO_8859_1));
            assertThatThrownBy(() -> DatasetReader.read(f, DatasetFormat.JSONL))
                    .hasMessageStartingWith("latin1.jsonl: is not valid UTF-8 text");
        }

        @Test
        void duplicateIdsNameBothLines() throws IOException {
            InvalidInputException e = readFails("train.jsonl", """
                    {"id": "a", "inputs": {"t": 1}}
                    {"id": "b", "inputs": {"t": 2}}
                    {"id": "a", "inputs": {"t": 3}}
                    """, DatasetFormat.JSONL);
            assertThat(e.problems()).containsExactly("train.jsonl:3: duplicate id 'a', first used at train.jsonl:1");
        }

        @Test
        void identicalInputsWithoutIdsAreReportedAsSuch() throws IOException {
            InvalidInputException e = readFails("train.jsonl", """
                    {"inputs": {"t": 1}, "outputs": "x"}
                    {"inputs": {"t": 1}, "outputs": "y"}
                    """, DatasetFormat.JSONL);
            assertThat(e.problems()).containsExactly("train.jsonl:2: same inputs as train.jsonl:1 and neither record has an"
                    + " 'id' to tell them apart (add an 'id' field, or remove the duplicate)");
        }

        @Test
        void tagValuesMustBeStrings() throws IOException {
            InvalidInputException e = readFails("train.jsonl", """
                    {"inputs": {"t": 1}, "tags": {"split": 1}}
                    {"inputs": {"t": 2}, "tags": ["gold"]}
                    """, DatasetFormat.JSONL);
            assertThat(e.problems()).containsExactly(
                    "train.jsonl:1: tag 'split' must be a string, found number 1",
                    "train.jsonl:2: field 'tags' must be an object of strings, found array");
        }

        @Test
        void idsMustBeNonBlankStringsOrIntegers() throws IOException {
            InvalidInputException e = readFails("train.jsonl", "{\"id\": true, \"inputs\": {\"t\": 1}}\n{\"id\": \" \", \"inputs\": {\"t\": 2}}",
                    DatasetFormat.JSONL);
            assertThat(e.problems()).containsExactly(
                    "train.jsonl:1: field 'id' must be a non-blank string or an integer, found boolean true",
                    "train.jsonl:2: field 'id' must be a non-blank string or an integer, found string \" \"");
        }

        @Test
        void expectationsMustBeAnObject() throws IOException {
            InvalidInputException e = readFails("train.jsonl", "{\"inputs\": {\"t\": 1}, \"expectations\": \"positive\"}", DatasetFormat.JSONL);
            assertThat(e.problems()).containsExactly(
                    "train.jsonl:1: field 'expectations' must be an object, found string \"positive\"");
        }

        @Test
        void autoRefusesContentThatIsNeitherArrayNorJsonLines() throws IOException {
            InvalidInputException e = readFails("notes.txt", "hello", DatasetFormat.AUTO);
            assertThat(e.problems()).containsExactly(
                    "notes.txt: expected a JSON array of records or JSON lines (one object per line), found 'h' at the start");
        }

        @Test
        void everyProblemInAFileIsReportedAtOnce() throws IOException {
            InvalidInputException e = readFails("train.jsonl", """
                    {"inputs": {"t": 1}}
                    {"inputs": 5}
                    not json
                    {"outputs": "x"}
                    """, DatasetFormat.JSONL);
            assertThat(e.problems()).hasSize(3);
            assertThat(e.problems()).extracting(p -> p.substring(0, p.indexOf(": ")))
                    .containsExactly("train.jsonl:2", "train.jsonl:3", "train.jsonl:4");
            assertThat(e.getMessage()).contains("(3 problems):\n  - train.jsonl:2: field 'inputs' must be a non-empty object, found number 5");
        }

        @Test
        void theMessageListsAtMostTwentyProblems() throws IOException {
            String content = IntStream.rangeClosed(1, 25).mapToObj(i -> "{\"inputs\": []}").collect(Collectors.joining("\n"));
            InvalidInputException e = readFails("many.jsonl", content, DatasetFormat.JSONL);
            assertThat(e.problems()).hasSize(25);
            assertThat(e.getMessage()).contains("many.jsonl:20:").doesNotContain("many.jsonl:21:").contains("... and 5 more");
        }

        @Test
        void malformedRecordsBuiltInCodeNameTheirIndex() {
            assertThatThrownBy(() -> Datasets.fromRecords("mem", List.of(Map.of("inputs", Map.of("t", 1)), Map.of("outputs", "x"))))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessage("invalid dataset mem: mem[1]: field 'inputs' is missing (found keys [outputs])");
        }
    }
}
