using ScalePlanner.Executor.Checkpoints;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Executor.Training;

/// <summary>How one run trains: batch, steps, schedule, clipping, optimizer, seed, precision; fp16's loss-scaler settings; the
/// model FLOPs of one step and the device's peak FLOP/s for MFU (0: not reported); the numerical guards; checkpoints.</summary>
public sealed record TrainerOptions(int GlobalBatch, int MicroBatch, int Steps, LearningRateSchedule Schedule, OptimizerKind Optimizer = OptimizerKind.AdamW,
    double WeightDecay = 0.1, double ClipNorm = 1.0, int Seed = 1, Precision Precision = Precision.Fp32)
{
    /// <summary>fp16's first loss scale (PyTorch GradScaler's init_scale, 2^16).</summary>
    public double InitialLossScale { get; init; } = 65536;

    /// <summary>fp16: good steps before the loss scale doubles (GradScaler's growth_interval).</summary>
    public int LossScaleGrowthInterval { get; init; } = 2000;

    public double ModelFlopsPerStep { get; init; }

    public double PeakFlops { get; init; }

    public GuardOptions Guards { get; init; } = new();

    /// <summary>Where and how often to checkpoint; null: never (and a spike cannot roll back).</summary>
    public CheckpointOptions? Checkpoints { get; init; }

    /// <summary>What a checkpoint of this run can only be resumed under; null: the model, the batch and the schedule's steps, with no layout.</summary>
    public RunIdentity? Identity { get; init; }

    /// <summary>The identity the checkpoints of a run of <paramref name="model"/> carry.</summary>
    public RunIdentity IdentityFor(ModelSpec model) => Identity ?? new RunIdentity("", model.ToString(), GlobalBatch, Schedule.TotalSteps);
}

/// <summary>Checkpoint every <paramref name="Every"/> steps (at least 1) into <paramref name="Folder"/>.</summary>
public sealed record CheckpointOptions(string Folder, int Every)
{
    public int Every { get; } = Every >= 1 ? Every : throw new SpecException("--checkpoint-every", $"must be a positive number of steps, got {Every}");
}
