package dev.promptopt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PromptTemplateTest {

    @Nested
    class TextTemplates {
        @Test
        void variablesAreListedInOrderOfFirstAppearanceWithoutDuplicates() {
            PromptTemplate t = PromptTemplate.text("{{b}} then {{a}}, again {{b}} and {{c}}");
            assertThat(t.variables()).containsExactly("b", "a", "c");
            assertThat(t.kind()).isEqualTo(PromptTemplate.Kind.TEXT);
        }

        @Test
        void sapQuestionMarkSyntaxAndSpacesInsideBracesAreUnderstood() {
            PromptTemplate t = PromptTemplate.text("Q: {{?question}} / {{ context }} / {{ ? lang }}");
            assertThat(t.variables()).containsExactly("question", "context", "lang");
            assertThat(t.format(Map.of("question", "why", "context", "sky", "lang", "en"))).isEqualTo("Q: why / sky / en");
        }

        @Test
        void escapedBracesRenderAsLiteralBracesAndAreNotVariables() {
            PromptTemplate t = PromptTemplate.text("Write \\{{name}} literally, then {{name}}.");
            assertThat(t.variables()).containsExactly("name");
            assertThat(t.format(Map.of("name", "Ann"))).isEqualTo("Write {{name}} literally, then Ann.");
            assertThat(PromptTemplate.text("only \\{{literal}}").variables()).isEmpty();
        }

        @Test
        void jsonLookingTextWithSingleBracesIsLeftUntouched() {
            String text = "Answer as {\"sentiment\": \"positive\", \"score\": {\"value\": 1}} for {{text}}; {{ not a var! }} {{}}";
            PromptTemplate t = PromptTemplate.text(text);
            assertThat(t.variables()).containsExactly("text");
            assertThat(t.format(Map.of("text", "x")))
                    .isEqualTo("Answer as {\"sentiment\": \"positive\", \"score\": {\"value\": 1}} for x; {{ not a var! }} {{}}");
        }

        @Test
        void aMissingVariableIsAnErrorNamingItAndTheInputsGiven() {
            PromptTemplate t = PromptTemplate.text("{{text}} in {{lang}}");
            assertThatThrownBy(() -> t.format(Map.of("text", "hi", "other", 1)))
                    .isInstanceOf(TemplateException.class)
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessage("template needs variable 'lang' but the inputs have [other, text]");
        }

        @Test
        void nonStringValuesAreWrittenAsJsonAndExtraInputsAreIgnored() {
            PromptTemplate t = PromptTemplate.text("n={{n}} items={{items}} obj={{obj}}");
            Map<String, Object> obj = new LinkedHashMap<>();
            obj.put("a", "x\"y");
            obj.put("b", null);
            assertThat(t.format(Map.of("n", 3, "items", List.of("a", 2), "obj", obj, "unused", true)))
                    .isEqualTo("n=3 items=[\"a\", 2] obj={\"a\": \"x\\\"y\", \"b\": null}");
        }

        @Test
        void valuesAreInsertedVerbatimEvenWhenTheyLookLikePlaceholdersOrRegexReplacements() {
            PromptTemplate t = PromptTemplate.text("{{a}} {{b}}");
            assertThat(t.format(Map.of("a", "{{b}}", "b", "$1 \\ costs"))).isEqualTo("{{b}} $1 \\ costs");
        }

        @Test
        void aTextTemplateIsOneUserMessage() {
            PromptTemplate t = PromptTemplate.text("Hi {{name}}");
            assertThat(t.messages()).containsExactly(ChatMessage.user("Hi {{name}}"));
            assertThat(t.formatMessages(Map.of("name", "Ann"))).containsExactly(ChatMessage.user("Hi Ann"));
            assertThat(t.optimizableText()).isEqualTo("Hi {{name}}");
            assertThat(t.withOptimizableText("Hello {{name}}")).isEqualTo(PromptTemplate.text("Hello {{name}}"));
        }

        @Test
        void templatesWithTheSameTextAreEqual() {
            assertThat(PromptTemplate.text("a {{x}}")).isEqualTo(PromptTemplate.text("a {{x}}"))
                    .hasSameHashCodeAs(PromptTemplate.text("a {{x}}"));
            assertThat(PromptTemplate.text("a")).isNotEqualTo(PromptTemplate.chat(List.of(ChatMessage.user("a"))));
        }
    }

    @Nested
    class ChatTemplates {
        private final PromptTemplate chat = PromptTemplate.chat(List.of(
                ChatMessage.user("Earlier: {{history}}"),
                ChatMessage.system("You classify {{domain}} texts."),
                ChatMessage.user("Text: {{text}}")));

        @Test
        void variablesComeFromEveryMessageInOrder() {
            assertThat(chat.isChat()).isTrue();
            assertThat(chat.variables()).containsExactly("history", "domain", "text");
        }

        @Test
        void formatMessagesRendersEveryMessageKeepingRoles() {
            assertThat(chat.formatMessages(Map.of("history", "none", "domain", "movie", "text", "great")))
                    .containsExactly(
                            ChatMessage.user("Earlier: none"),
                            ChatMessage.system("You classify movie texts."),
                            ChatMessage.user("Text: great"));
        }

        @Test
        void formatOnAChatTemplateIsAnErrorPointingToFormatMessages() {
            assertThatThrownBy(() -> chat.format(Map.of("history", "", "domain", "", "text", "")))
                    .isInstanceOf(TemplateException.class)
                    .hasMessageContaining("chat template of 3 messages")
                    .hasMessageContaining("formatMessages(inputs)");
        }

        @Test
        void aMissingVariableInAnyMessageIsNamed() {
            assertThatThrownBy(() -> chat.formatMessages(Map.of("history", "", "text", "")))
                    .isInstanceOf(TemplateException.class)
                    .hasMessageContaining("'domain'");
        }

        @Test
        void theSystemMessageIsTheOptimizableTextAndWithOptimizableTextReplacesOnlyIt() {
            assertThat(chat.optimizableText()).isEqualTo("You classify {{domain}} texts.");
            PromptTemplate changed = chat.withOptimizableText("Classify {{domain}} reviews carefully.");
            assertThat(changed.messages()).containsExactly(
                    ChatMessage.user("Earlier: {{history}}"),
                    ChatMessage.system("Classify {{domain}} reviews carefully."),
                    ChatMessage.user("Text: {{text}}"));
            assertThat(changed.isChat()).isTrue();
            assertThat(chat.messages().get(1).content()).as("the original is unchanged").isEqualTo("You classify {{domain}} texts.");
        }

        @Test
        void withoutASystemMessageTheFirstMessageIsOptimized() {
            PromptTemplate t = PromptTemplate.chat(List.of(ChatMessage.user("Q: {{q}}"), ChatMessage.assistant("A:")));
            assertThat(t.withOptimizableText("Question: {{q}}").messages())
                    .containsExactly(ChatMessage.user("Question: {{q}}"), ChatMessage.assistant("A:"));
        }

        @Test
        void textOfAChatTemplateListsRolesAndContents() {
            PromptTemplate t = PromptTemplate.chat(List.of(ChatMessage.system("Be brief."), ChatMessage.user("{{q}}")));
            assertThat(t.text()).isEqualTo("system: Be brief.\n\nuser: {{q}}");
        }

        @Test
        void aChatNeedsAtLeastOneMessageAndMessagesNeedARole() {
            assertThatThrownBy(() -> PromptTemplate.chat(List.of()))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessage("a chat template needs at least one message, found none");
            assertThatThrownBy(() -> new ChatMessage(" ", "x")).isInstanceOf(InvalidInputException.class);
        }

        @Test
        void theTemplateKeepsItsOwnCopyOfTheMessages() {
            List<ChatMessage> messages = new ArrayList<>(List.of(ChatMessage.user("{{a}}")));
            PromptTemplate t = PromptTemplate.chat(messages);
            messages.add(ChatMessage.user("{{b}}"));
            assertThat(t.messages()).hasSize(1);
            assertThat(t.variables()).containsExactly("a");
        }
    }

    @Nested
    class PromptUris {
        @Test
        void aVersionUriIsParsed() {
            PromptUri uri = PromptUri.parse("prompts:/sentiment/3");
            assertThat(uri).isEqualTo(PromptUri.of("sentiment", 3));
            assertThat(uri.version()).isEqualTo(3);
            assertThat(uri.alias()).isNull();
            assertThat(uri).hasToString("prompts:/sentiment/3");
        }

        @Test
        void anAliasUriIsParsed() {
            PromptUri uri = PromptUri.parse("prompts:/qa.v2@production");
            assertThat(uri.name()).isEqualTo("qa.v2");
            assertThat(uri.alias()).isEqualTo("production");
            assertThat(uri.version()).isNull();
            assertThat(uri).hasToString("prompts:/qa.v2@production");
        }

        @Test
        void aUriWithoutVersionOrAliasMeansTheLatestVersion() {
            PromptUri uri = PromptUri.parse("prompts:/my-prompt_1");
            assertThat(uri).isEqualTo(PromptUri.latest("my-prompt_1"));
            assertThat(uri.version()).isNull();
            assertThat(uri.alias()).isNull();
            assertThat(uri).hasToString("prompts:/my-prompt_1");
        }

        @Test
        void aUriWithoutThePrefixIsRefusedShowingTheExpectedForms() {
            assertThatThrownBy(() -> PromptUri.parse("sentiment/3"))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessage("invalid prompt URI 'sentiment/3': expected prompts:/<name>/<version>,"
                            + " prompts:/<name>@<alias> or prompts:/<name>");
            assertThatThrownBy(() -> PromptUri.parse(null)).isInstanceOf(InvalidInputException.class);
        }

        @Test
        void anInvalidNameIsRefusedNamingIt() {
            assertThatThrownBy(() -> PromptUri.parse("prompts:/bad name/1"))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageStartingWith("invalid prompt URI 'prompts:/bad name/1': invalid prompt name 'bad name'");
            assertThatThrownBy(() -> PromptUri.parse("prompts:/"))
                    .hasMessageContaining("invalid prompt name ''");
        }

        @Test
        void anInvalidVersionIsRefusedNamingIt() {
            assertThatThrownBy(() -> PromptUri.parse("prompts:/sentiment/abc"))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessage("invalid prompt URI 'prompts:/sentiment/abc': version 'abc' is not a positive number");
            assertThatThrownBy(() -> PromptUri.parse("prompts:/sentiment/0"))
                    .hasMessage("invalid prompt URI 'prompts:/sentiment/0': prompt 'sentiment': version must be >= 1, found 0");
            assertThatThrownBy(() -> PromptUri.parse("prompts:/sentiment/-1")).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> PromptUri.parse("prompts:/sentiment/99999999999")).isInstanceOf(InvalidInputException.class);
        }

        @Test
        void anInvalidAliasIsRefused() {
            assertThatThrownBy(() -> PromptUri.parse("prompts:/sentiment@"))
                    .hasMessageContaining("invalid alias ''");
            assertThatThrownBy(() -> PromptUri.parse("prompts:/sentiment@prod/2"))
                    .hasMessageContaining("invalid alias 'prod/2'");
        }

        @Test
        void aVersionAndAnAliasTogetherAreRefused() {
            assertThatThrownBy(() -> new PromptUri("sentiment", 1, "prod"))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessage("prompt URI for 'sentiment' has both a version and an alias");
        }

        @Test
        void toStringParsesBackToTheSameUri() {
            for (PromptUri uri : List.of(PromptUri.of("a", 12), PromptUri.ofAlias("a", "champion"), PromptUri.latest("a"))) {
                assertThat(PromptUri.parse(uri.toString())).isEqualTo(uri);
            }
        }
    }

    @Nested
    class PromptSets {
        @Test
        void getReturnsATemplateByNameAndNamesAreSorted() {
            PromptSet set = PromptSet.of(Map.of("b", PromptTemplate.text("B"), "a", PromptTemplate.text("A")));
            assertThat(set.get("a")).isEqualTo(PromptTemplate.text("A"));
            assertThat(set.names()).containsExactly("a", "b");
            assertThat(set.size()).isEqualTo(2);
        }

        @Test
        void anUnknownNameIsAnErrorListingTheKnownOnes() {
            PromptSet set = PromptSet.of("sentiment", PromptTemplate.text("x"));
            assertThatThrownBy(() -> set.get("sentimnet"))
                    .isInstanceOf(PromptNotFoundException.class)
                    .hasMessage("no prompt named 'sentimnet' in this run; the prompts are [sentiment]");
            assertThatThrownBy(() -> set.with("other", PromptTemplate.text("y")))
                    .isInstanceOf(PromptNotFoundException.class);
        }

        @Test
        void withReturnsACopyWithOneTemplateReplaced() {
            PromptSet set = PromptSet.of(Map.of("a", PromptTemplate.text("A"), "b", PromptTemplate.text("B")));
            PromptSet changed = set.with("a", PromptTemplate.text("A2"));
            assertThat(changed.get("a")).isEqualTo(PromptTemplate.text("A2"));
            assertThat(changed.get("b")).isEqualTo(PromptTemplate.text("B"));
            assertThat(set.get("a")).isEqualTo(PromptTemplate.text("A"));
            assertThat(changed).isNotEqualTo(set);
            assertThat(set.with("a", PromptTemplate.text("A"))).isEqualTo(set).hasSameHashCodeAs(set);
        }

        @Test
        void anEmptySetIsRefused() {
            assertThatThrownBy(() -> PromptSet.of(Map.of())).isInstanceOf(InvalidInputException.class);
        }
    }

    @Nested
    class Rngs {
        @Test
        void theSameSeedDrawsTheSameSequence() {
            Rng a = Rng.seeded(42);
            Rng b = Rng.seeded(42);
            for (int i = 0; i < 100; i++) {
                assertThat(a.nextLong()).isEqualTo(b.nextLong());
            }
            assertThat(Rng.seeded(1).nextLong()).isNotEqualTo(Rng.seeded(2).nextLong());
        }

        @Test
        void aRestoredStateContinuesExactlyWhereTheSavedOneStopped() {
            Rng original = Rng.seeded(7);
            original.nextInt(10);
            original.nextDouble();
            Rng restored = Rng.fromState(original.state());
            List<Long> expected = IntStream.range(0, 20).mapToObj(i -> original.nextLong()).collect(Collectors.toList());
            List<Long> actual = IntStream.range(0, 20).mapToObj(i -> restored.nextLong()).collect(Collectors.toList());
            assertThat(actual).isEqualTo(expected);
        }

        @Test
        void drawsStayInTheirRangesAndCoverThem() {
            Rng rng = Rng.seeded(3);
            int[] counts = new int[5];
            for (int i = 0; i < 5000; i++) {
                int v = rng.nextInt(5);
                assertThat(v).isBetween(0, 4);
                counts[v]++;
                assertThat(rng.nextDouble()).isGreaterThanOrEqualTo(0.0).isLessThan(1.0);
            }
            assertThat(java.util.Arrays.stream(counts).boxed().toList()).allSatisfy(c -> assertThat(c).isBetween(800, 1200));
            assertThatThrownBy(() -> rng.nextInt(0)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void shuffleIsAReproduciblePermutation() {
            List<Integer> a = new ArrayList<>(IntStream.range(0, 30).boxed().toList());
            List<Integer> b = new ArrayList<>(a);
            Rng.seeded(5).shuffle(a);
            Rng.seeded(5).shuffle(b);
            assertThat(a).isEqualTo(b).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 30).boxed().toList())
                    .isNotEqualTo(IntStream.range(0, 30).boxed().toList());
        }
    }

    @Nested
    class DatasetSplits {
        private Dataset rows(int n) {
            List<Example> examples = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                examples.add(Example.of("r" + i, Map.of("i", i), null));
            }
            return Dataset.of("rows", examples);
        }

        @Test
        void theSameSeedGivesTheSameSplitAndPartsCoverTheDatasetOnce() {
            Dataset.Split a = rows(10).split(0.6, 0.2, 9);
            Dataset.Split b = rows(10).split(0.6, 0.2, 9);
            assertThat(a.train().ids()).containsExactlyElementsOf(b.train().ids());
            assertThat(a.validation().ids()).containsExactlyElementsOf(b.validation().ids());
            assertThat(a.test().ids()).containsExactlyElementsOf(b.test().ids());
            assertThat(List.of(a.train().size(), a.validation().size(), a.test().size())).containsExactly(6, 2, 2);
            List<String> all = new ArrayList<>(a.train().ids());
            all.addAll(a.validation().ids());
            all.addAll(a.test().ids());
            assertThat(all).containsExactlyInAnyOrderElementsOf(rows(10).ids());
            assertThat(a.train().name()).isEqualTo("rows/train");
        }

        @Test
        void everyRequestedPartGetsARowWhenThereAreEnoughRows() {
            Dataset.Split two = rows(3).split(0.9, 9);
            assertThat(two.train().size()).isEqualTo(2);
            assertThat(two.validation().size()).isEqualTo(1);
            assertThat(two.test().isEmpty()).isTrue();

            Dataset.Split three = rows(3).split(0.8, 0.1, 9);
            assertThat(List.of(three.train().size(), three.validation().size(), three.test().size())).containsExactly(1, 1, 1);

            Dataset.Split one = rows(1).split(0.5, 9);
            assertThat(one.train().size()).isEqualTo(1);
            assertThat(one.validation().isEmpty()).isTrue();
        }

        @Test
        void allForTrainingLeavesValidationEmpty() {
            Dataset.Split s = rows(4).split(1.0, 1);
            assertThat(s.train().size()).isEqualTo(4);
            assertThat(s.validation().isEmpty()).isTrue();
        }

        @Test
        void fractionsOutOfRangeAreRefused() {
            assertThatThrownBy(() -> rows(4).split(0, 1)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("invalid split fractions train=0.0");
            assertThatThrownBy(() -> rows(4).split(0.5, 0.6, 1)).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> rows(4).split(1.5, 1)).isInstanceOf(InvalidInputException.class);
        }

        @Test
        void duplicateIdsAreRefusedNamingBothSources() {
            Example a = new Example("x", Map.of("t", 1), null, null, null, "f.jsonl:1");
            Example b = new Example("x", Map.of("t", 2), null, null, null, "f.jsonl:4");
            assertThatThrownBy(() -> Dataset.of("f", List.of(a, b)))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessage("dataset 'f' has duplicate ids: duplicate example id 'x' at f.jsonl:4, first seen at f.jsonl:1");
        }
    }
}
