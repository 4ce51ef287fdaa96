package dev.baton.app.bench.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.sdk.protocol.LockMode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The SQL baseline of the contention scenario keeps the workload's guarantees on SQLite. */
class SqlLockBenchTest {

  @ParameterizedTest
  @EnumSource(LockMode.class)
  void shouldGrantEveryRequestInOrderAndLoseNoIncrement(LockMode mode, @TempDir Path dir)
      throws Exception {
    try (SqlLockBench bench = SqlLockBench.open(new SqliteTarget(dir), 8)) {
      SqlLockBench.Result result = bench.run(new SqlLockBench.Spec(8, mode, List.of("a", "b"), 5));

      assertThat(result.successRate()).isEqualTo(1.0);
      assertThat(result.increments()).isEqualTo(40);
      assertThat(result.lostUpdates()).isZero();
      assertThat(result.fcfsViolations()).isZero();
    }
  }
}
