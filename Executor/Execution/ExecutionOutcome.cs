using ScalePlanner.Executor.Measurements;

namespace ScalePlanner.Executor.Execution;

/// <summary>
/// How a run ended, for the process that asked: its exit code and, when it failed, the one line that says why (without
/// "error: "); the measured steps when this process holds them (one process, or rank 0 of many; none in the mpirun launcher
/// and on the other ranks), the source's entropy rate (NaN for a corpus), the resident bytes before the model was built (one
/// process), and what only a run across processes measures.
/// </summary>
public sealed record ExecutionOutcome(int ExitCode)
{
    /// <summary>Exit code of a run the numerical guards stopped (2 is bad input, 3 an MPI failure).</summary>
    public const int DivergedExitCode = 4;

    public string? Error { get; init; }
    public IReadOnlyList<StepMetrics> Steps { get; init; } = [];
    public double EntropyRate { get; init; } = double.NaN;
    public long BaselineBytes { get; init; }
    public DistributedSummary? Distributed { get; init; }

    /// <summary>Tokens routed to each expert and the measured imbalance, for a mixture-of-experts model; null for a dense one.</summary>
    public ExpertLoad? Experts { get; init; }

    /// <summary>Whether this process reports the run (it holds the measured steps).</summary>
    public bool Reports => Steps.Count > 0;
}

/// <summary>
/// Rank 0's view of a run across processes: each part of the step (<see cref="MeasuredParts"/>) and the optimizer state it
/// kept, in elements and fp32 moments per element.
/// </summary>
public sealed record DistributedSummary(MeasuredParts Parts, long OptimizerElements, int OptimizerMoments);
