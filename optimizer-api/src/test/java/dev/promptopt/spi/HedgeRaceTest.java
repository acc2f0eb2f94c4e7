package dev.promptopt.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HedgeRaceTest {
    @Test
    void theFirstAnswerWinsAndTheLosersIsDropped() throws Exception {
        AtomicInteger settled = new AtomicInteger();
        HedgeRace<String> race = new HedgeRace<>(settled::incrementAndGet);
        assertThat(race.startHedge(() -> true)).isTrue();
        race.answered("hedge");
        assertThat(race.winner().get()).isEqualTo("hedge");
        assertThat(settled).as("the hedge is settled only once both requests returned").hasValue(0);
        race.answered("first, too late");
        assertThat(race.winner().get()).isEqualTo("hedge");
        assertThat(settled).hasValue(1);
    }

    @Test
    void aFailureCountsOnlyOnceBothRequestsFailedAndThenTheFirstFailureIsReported() {
        HedgeRace<String> race = new HedgeRace<>(null);
        race.startHedge(() -> true);
        race.failed(new IllegalStateException("first failure"));
        assertThat(race.winner()).isNotDone();
        race.failed(new IllegalStateException("second failure"));
        assertThatThrownBy(() -> race.winner().get()).isInstanceOf(ExecutionException.class)
                .hasRootCauseMessage("first failure");

        HedgeRace<String> rescued = new HedgeRace<>(null);
        rescued.startHedge(() -> true);
        rescued.failed(new IllegalStateException("first failure"));
        rescued.answered("hedge");
        assertThat(rescued.winner()).isCompletedWithValue("hedge");
    }

    @Test
    void noHedgeOnceDecidedTwiceOrRefusedAndNothingToSettleWithoutOne() {
        AtomicInteger settled = new AtomicInteger();
        HedgeRace<String> refused = new HedgeRace<>(settled::incrementAndGet);
        assertThat(refused.startHedge(() -> false)).isFalse();
        assertThat(refused.hedged()).isFalse();
        refused.answered("alone");
        assertThat(refused.winner()).isCompletedWithValue("alone");
        assertThat(settled).as("nothing was taken for a hedge").hasValue(0);

        HedgeRace<String> twice = new HedgeRace<>(null);
        assertThat(twice.startHedge(() -> true)).isTrue();
        assertThat(twice.startHedge(() -> true)).isFalse();

        HedgeRace<String> decided = new HedgeRace<>(null);
        decided.answered("fast");
        AtomicInteger asked = new AtomicInteger();
        assertThat(decided.startHedge(() -> asked.incrementAndGet() > 0)).isFalse();
        assertThat(asked).as("no permit is taken for a race already decided").hasValue(0);

        HedgeRace<String> failedAlone = new HedgeRace<>(null);
        failedAlone.failed(new IllegalStateException("no hedge to wait for"));
        assertThat(failedAlone.winner()).isCompletedExceptionally();
        assertThat(failedAlone.startHedge(() -> true)).isFalse();
    }
}
