using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// The one seam through which tests break a distributed run on purpose: <see cref="DistributedTrainer"/> calls it before each
/// step and after each update. Real runs use <see cref="RankFaults.None"/>.
/// </summary>
public interface IRankFaults
{
    void BeforeStep(int rank, int step);

    void AfterUpdate(int rank, int step, Parameter first);

    /// <summary>The loss scale this rank's backward runs with at <paramref name="step"/> (the given one, or +∞ to make its gradients overflow).</summary>
    double LossScale(int rank, int step, double scale) => scale;

    /// <summary>What this rank's loss counts for in the step's judged loss (1, or more for a spike, as a bad batch would give).</summary>
    double LossFactor(int rank, int step) => 1;
}

/// <summary>
/// Faults a test asks for (the hidden `execute` options --kill-rank/-step, --corrupt-rank/-step, --overflow-rank/-step, --spike-rank/-step):
/// rank KillRank dies at step KillStep (SIGKILL, as the OOM killer would), to prove the job stops and resumes; rank CorruptRank's
/// first weight is nudged after the update of step CorruptStep, as a flipped bit in memory would, to prove the replica check
/// fires; rank OverflowRank's gradients overflow at step OverflowStep (its loss scale is +∞), to prove every rank skips that
/// step together; rank SpikeRank's loss counts 1.5 times the first time it runs step SpikeStep, a loss spike every rank acts on together (a bad batch
/// that a rollback does not read again, as the data stream is not rewound). -1: never.
/// </summary>
public sealed record RankFaults(int KillRank = -1, int KillStep = -1, int CorruptRank = -1, int CorruptStep = -1) : IRankFaults
{
    public int OverflowRank { get; init; } = -1;
    public int OverflowStep { get; init; } = -1;

    public int SpikeRank { get; init; } = -1;
    public int SpikeStep { get; init; } = -1;

    public double LossScale(int rank, int step, double scale) => rank == OverflowRank && step == OverflowStep ? double.PositiveInfinity : scale;

    private bool spiked;

    public double LossFactor(int rank, int step)
    {
        if (rank != SpikeRank || step != SpikeStep || spiked) return 1;
        spiked = true;
        return 1.5;
    }

    public static readonly IRankFaults None = new RankFaults();

    public void BeforeStep(int rank, int step)
    {
        if (rank == KillRank && step == KillStep) System.Diagnostics.Process.GetCurrentProcess().Kill();
    }

    public void AfterUpdate(int rank, int step, Parameter first)
    {
        if (rank != CorruptRank || step != CorruptStep) return;
        using var noGrad = no_grad();
        first.flatten()[0].add_(1e-3f);
    }
}
