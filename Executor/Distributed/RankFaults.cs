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
}

/// <summary>
/// Faults a test asks for (the hidden `execute --kill-rank/--kill-step/--corrupt-rank/--corrupt-step`): rank KillRank dies at
/// step KillStep (SIGKILL, as the OOM killer would), to prove the job stops and resumes; rank CorruptRank's first weight is
/// nudged after the update of step CorruptStep, as a flipped bit in memory would, to prove the replica check fires. -1: never.
/// </summary>
public sealed record RankFaults(int KillRank = -1, int KillStep = -1, int CorruptRank = -1, int CorruptStep = -1) : IRankFaults
{
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
