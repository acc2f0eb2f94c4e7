package dev.promptopt.managed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptopt.InvalidInputException;
import dev.promptopt.PromptUri;
import dev.promptopt.core.testing.ScriptedProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad configurations: each is refused before any model call, with a message naming the file and the key. */
class OptimizationConfigTest {
    @TempDir
    Path dir;
    ManagedFixture f;

    @BeforeEach
    void fixture() {
        f = ManagedFixture.in(dir);
    }

    /** Writes the fixture's valid configuration changed by {@code edit}, tries to create an execution, expects a refusal. */
    private InvalidInputException rejected(Consumer<ObjectNode> edit, String... fragments) {
        ObjectNode c = f.config();
        edit.accept(c);
        Path file = f.write(c);
        int callsBefore = ScriptedProvider.calls();
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> {
            OptimizationConfig config = OptimizationConfig.load(file);
            Executions.builder(config.buildStores()).workDirectory(dir.resolve("work")).build().create(config, "exec-bad");
        });
        assertThat(thrown).isInstanceOf(InvalidInputException.class).hasMessageContaining(file.toString());
        for (String fragment : fragments) {
            assertThat(thrown.getMessage()).contains(fragment);
        }
        assertThat(ScriptedProvider.calls()).as("model calls").isEqualTo(callsBefore);
        assertThat(Files.exists(dir.resolve("store/exec-bad"))).as("execution recorded").isFalse();
        return (InvalidInputException) thrown;
    }

    @Test
    void theFixtureConfigurationIsValid() {
        OptimizationConfig c = OptimizationConfig.load(f.write(f.config()));
        assertThat(c.basePrompt()).isEqualTo(PromptUri.of("qa", 1));
        assertThat(c.targetPromptMapping()).containsEntry("scripted:/good", "qa-good").containsEntry("scripted:/bad", "qa-bad");
        assertThat(c.maxMetricCalls()).isEqualTo(100);
        assertThat(c.maxDollars()).isEqualTo(1.5);
    }

    @Test
    void anUnknownKeyIsNamedWithTheNearestKnownOne() {
        rejected(c -> c.set("optimisationMetric", c.remove("optimizationMetric")),
                "optimisationMetric: unknown key (did you mean 'optimizationMetric'?)", "optimizationMetric: missing");
    }

    @Test
    void aBasePromptThatIsNoReferenceIsRefused() {
        rejected(c -> c.put("basePrompt", "qa"),
                "basePrompt: 'qa' is not a prompt reference: expected prompts:/<name>/<version> or SAP's <scenario>/<name>:<version>");
    }

    @Test
    void aBasePromptMissingFromTheRegistryIsRefused() {
        rejected(c -> c.put("basePrompt", "prompts:/nope/1"), "basePrompt: ", "nope");
    }

    @Test
    void datasetAndTrainDatasetTogetherAreRefused() {
        rejected(c -> c.put("trainDataset", "data:qa/all.json"), "dataset: give either dataset or trainDataset + testDataset, not both");
    }

    @Test
    void aTrainDatasetWithoutATestDatasetIsRefused() {
        rejected(c -> {
            c.remove("dataset");
            c.put("trainDataset", "data:qa/all.json");
        }, "testDataset: missing; trainDataset needs it");
    }

    @Test
    void aMisspelledMetricIsNamedWithTheNearestOne() {
        rejected(c -> c.put("optimizationMetric", "JSON_Matc"),
                "optimizationMetric: unknown metric 'JSON_Matc' (did you mean 'JSON_Match'?)");
    }

    @Test
    void aJudgeMetricWithoutAJudgeModelIsRefused() {
        rejected(c -> c.put("optimizationMetric", "LLMaaJ:Sem_Sim_10"),
                "optimizationMetric: metric LLMaaJ:Sem_Sim_10 needs a judge model: set judgeModel");
    }

    @Test
    void moreThanFourTargetModelsAreRefused() {
        rejected(c -> {
            c.remove("targetPromptMapping");
            c.putArray("targetModels").add("scripted:/a").add("scripted:/b").add("scripted:/c").add("scripted:/d").add("scripted:/e");
        }, "targetModels: expected 1 to 4 models, found 5");
    }

    @Test
    void aTargetModelThatIsNoUriIsRefused() {
        rejected(c -> c.withArray("targetModels").add("gpt-4o"),
                "targetModels[2]: 'gpt-4o' is not a model URI: expected <provider>:/<model>");
    }

    @Test
    void aMappingForAModelThatIsNoTargetIsRefused() {
        rejected(c -> c.putObject("targetPromptMapping").put("scripted:/goood", "qa-good"),
                "targetPromptMapping['scripted:/goood']: 'scripted:/goood' is not among the targetModels (did you mean 'scripted:/good'?)");
    }

    @Test
    void twoTargetsMappedToOnePromptAreRefused() {
        rejected(c -> c.putObject("targetPromptMapping").put("scripted:/good", "qa-x").put("scripted:/bad", "qa-x"),
                "targetPromptMapping: 'scripted:/good' and 'scripted:/bad' both map to prompt 'qa-x'");
    }

    @Test
    void badBudgetValuesAndKeysAreRefused() {
        InvalidInputException e = rejected(c -> c.putObject("budget").put("maxMetricCalls", -5).put("maxDolars", 2),
                "budget.maxMetricCalls: expected a positive whole number, found -5",
                "budget.maxDolars: unknown key (did you mean 'maxDollars'?)");
        assertThat(e.problems()).hasSize(2);
    }

    @Test
    void aZeroConcurrencyIsRefused() {
        rejected(c -> c.put("maxConcurrency", 0), "maxConcurrency: expected a whole number from 1 to 1024, found 0");
    }

    @Test
    void anOptimizerNotOnTheClasspathIsRefused() {
        rejected(c -> c.put("optimizer", "gepa"),
                "optimizer: no optimizer named 'gepa' on the classpath", "add dev.promptopt:optimizer-gepa");
    }

    @Test
    void optimizerOptionsAreCheckedByTheOptimizersFactory() {
        rejected(c -> c.withObject("optimizerOptions").put("hintz", "x"),
                "optimizerOptions: unknown option 'hintz' for hill-climb");
    }

    @Test
    void aDatasetBelowTheMinimumSizeIsRefusedOutsidePrototypeMode() {
        rejected(c -> c.remove("prototypeMode"),
                "dataset: data:qa/all.json has 6 rows, at least 25 are needed (or set \"prototypeMode\": true to allow from 3)");
    }

    @Test
    void aDatasetInAnUnknownStoreIsRefused() {
        rejected(c -> c.put("dataset", "dta:qa/all.json"), "dataset: no object store named 'dta' (did you mean 'data'?)");
    }

    @Test
    void aMissingDatasetFileIsRefusedNamingTheKeyAndTheStore() {
        rejected(c -> c.put("dataset", "data:qa/missing.json"), "dataset: no object 'qa/missing.json' in store file:");
    }

    @Test
    void anUnknownModelProviderIsRefused() {
        rejected(c -> c.put("baseModel", "nosuch:/model"), "baseModel: no model provider for 'nosuch:/'");
    }

    @Test
    void storesWithoutDefaultOrWithAnUnknownTypeAreRefused() {
        InvalidInputException e = rejected(c -> {
            ObjectNode stores = c.putObject("objectStores");
            stores.putObject("defualt").put("type", "local").put("root", "store");
            stores.putObject("data").put("type", "s4").put("bucket", "b");
        }, "objectStores: no store named 'default': it is mandatory and receives the outputs (did you mean 'defualt'?)",
                "objectStores.data.type: unknown store type 's4'; known: [local]");
        assertThat(e.problems()).hasSize(2);
    }

    @Test
    void aNonBooleanFlagIsRefused() {
        rejected(c -> c.put("prototypeMode", "yes"), "prototypeMode: expected true or false, found \"yes\"");
    }

    @Test
    void aTemplateVariableTheDataLacksIsRefused() {
        f.write("data/qa/other.json", "[{\"fields\": {\"question\": \"q\"}, \"answer\": \"a\"},"
                + "{\"fields\": {\"question\": \"r\"}, \"answer\": \"b\"}, {\"fields\": {\"question\": \"s\"}, \"answer\": \"c\"}]");
        rejected(c -> c.put("dataset", "data:qa/other.json"),
                "targetModels[0] (scripted:/good): prompt 'qa' (prompts:/qa/1) needs an input its data lacks", "lack 'text'");
    }

    @Test
    void fewShotExamplesWithoutTheFlagAreRefused() {
        rejected(c -> c.put("fewShotExamples", 2), "fewShotExamples: set only together with \"includeFewShotExamples\": true");
    }

    @Test
    void notJsonIsRefusedWithTheLine() {
        Path file = f.write("optimization.json", "{\n  \"basePrompt\": \"qa\",\n  oops\n}");
        assertThatThrownBy(() -> OptimizationConfig.load(file))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("configuration " + file + " is not valid JSON: line 3");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        InvalidInputException e = rejected(c -> {
            c.put("basePrompt", "qa");
            c.put("optimizationMetric", "F1");
            c.putArray("targetModels").add("x");
            c.put("seed", "abc");
            c.put("colour", "blue");
        }, "colour: unknown key", "basePrompt:", "optimizationMetric: unknown metric 'F1'", "targetModels[0]: 'x'", "seed:");
        assertThat(e.problems()).hasSizeGreaterThanOrEqualTo(5);
    }

    @Test
    void sapStyleStringFlagsAndPromptReferencesAreAccepted() {
        ObjectNode c = f.config();
        c.put("prototypeMode", "true");
        c.put("basePrompt", "prompts:/qa/1");
        c.put("seed", "11");
        OptimizationConfig config = OptimizationConfig.load(f.write(c));
        assertThat(config.prototypeMode()).isTrue();
        assertThat(config.seed()).isEqualTo(11);
    }

    @Test
    void maxConcurrencyHasTheSameLimitAsTheBuilder() throws Exception {
        String expected = "maxConcurrency: expected a whole number from 1 to 1024, found 10000";
        assertThatThrownBy(() -> dev.promptopt.core.PromptOptimizer.builder().maxConcurrency(10_000))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(expected);
        Path folder = Files.createTempDirectory(dir, "concurrency");
        Files.writeString(folder.resolve("data.jsonl"), "{\"inputs\": {\"text\": \"a\"}, \"outputs\": \"b\"}\n");
        String config = """
                {"basePrompt": "prompts:/sentiment/1", "dataset": "data.jsonl", "optimizationMetric": "exact_match",
                 "targetModels": ["scripted:/m"], "maxConcurrency": 10000}
                """;
        assertThatThrownBy(() -> OptimizationConfig.parse(config, "optimization.json", folder))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining(expected);
    }
}
