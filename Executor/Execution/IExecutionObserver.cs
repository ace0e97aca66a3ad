using ScalePlanner.Executor.Measurements;

namespace ScalePlanner.Executor.Execution;

/// <summary>
/// What a run tells the caller while it trains: lines for the user (resuming, checkpoints passed over), once before the first
/// step what the run is (where the rows come from, or the ranks and their threads), and every step. Across processes only
/// rank 0 reports steps.
/// </summary>
public interface IExecutionObserver
{
    void Log(string line);

    void Started(string description);

    void Step(StepMetrics step);

    void Step(DistributedStepMetrics step);
}
