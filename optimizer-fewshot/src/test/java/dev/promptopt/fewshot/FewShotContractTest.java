package dev.promptopt.fewshot;

import dev.promptopt.Dataset;
import dev.promptopt.Optimizer;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptSet;
import dev.promptopt.Scorer;
import dev.promptopt.core.Scorers;
import dev.promptopt.core.contract.OptimizerContract;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** The Optimizer contract for FewShot: the scripted model answers right only with the helpful demonstrations. */
class FewShotContractTest extends OptimizerContract {
    @Override
    protected String seedTemplate() {
        return FewShotTest.SEED;
    }

    @Override
    protected PredictFn predictFn() {
        PredictFn model = FewShotTest.scriptedModel(new AtomicInteger());
        return (inputs, prompts) -> model.predict(inputs, PromptSet.of("sentiment", prompts.get(PROMPT)));
    }

    @Override
    protected Dataset trainData() {
        return FewShotTest.train();
    }

    @Override
    protected Dataset validationData() {
        return FewShotTest.validation();
    }

    @Override
    protected List<Scorer> scorers() {
        return List.of(Scorers.exactMatch());
    }

    @Override
    protected Optimizer newOptimizer() {
        return new FewShot(FewShotOptions.ofDefaults().maxDemos(2).candidateSets(8));
    }

    @Override
    protected long tightBudget() {
        return 40;
    }
}
