package dev.promptopt.gepa;

import dev.promptopt.Dataset;
import dev.promptopt.Optimizer;
import dev.promptopt.PredictFn;
import dev.promptopt.Scorer;
import dev.promptopt.core.contract.OptimizerContract;
import java.util.List;

/** The Optimizer contract for GEPA on the rule task: the reflection model learns one rule per call. */
class GepaContractTest extends OptimizerContract {
    @Override
    protected String seedTemplate() {
        return RuleWorld.onePrompt().get("task").text();
    }

    @Override
    protected PredictFn predictFn() {
        return RuleWorld.predict(new RuleWorld.Target(0));
    }

    @Override
    protected Dataset trainData() {
        return RuleWorld.train();
    }

    @Override
    protected Dataset validationData() {
        return RuleWorld.validation();
    }

    @Override
    protected List<Scorer> scorers() {
        return List.of(RuleWorld.SCORER);
    }

    @Override
    protected Optimizer newOptimizer() {
        return new Gepa(Gepa.options().reflectionModel(new RuleWorld.Reflector(1)));
    }

    @Override
    protected long tightBudget() {
        return 30;
    }
}
