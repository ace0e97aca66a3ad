using ScalePlanner.Executor.Checkpoints;
using ScalePlanner.Executor.Distributed;
using ScalePlanner.Executor.Training;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Simulation;

namespace ScalePlanner.Executor.Execution;

/// <summary>
/// What `execute` asks the executor to run: the job and layout, the optimizer steps, where the rows come from, checkpoints and
/// whether to resume from them, what a loss spike does (null: not given), the model FLOPs of one step and the device's peak
/// FLOP/s (for MFU; 0: not reported), and the settings of a run across processes.
/// </summary>
public sealed record ExecutionRequest(TrainingJob Job, Layout Layout, int Steps)
{
    public InputOptions Input { get; init; } = new();
    public CheckpointOptions? Checkpoints { get; init; }
    public bool Resume { get; init; }
    public SpikeAction? OnSpike { get; init; }
    public double ModelFlopsPerStep { get; init; }
    public double PeakFlops { get; init; }
    public DistributedSettings Distributed { get; init; } = new();

    /// <summary>
    /// What every run trains with: the scenario's global batch, the layout's micro-batch, optimizer and precision, and a learning
    /// rate of 1e-3 warmed up over the first tenth of the steps, then decayed to the end (<see cref="LearningRateSchedule"/>).
    /// </summary>
    public TrainerOptions TrainerOptions() =>
        new(Job.Training.GlobalBatchSize, Layout.MicroBatch, Steps, new LearningRateSchedule(1e-3, Math.Max(1, Steps / 10), Steps), Layout.Optimizer, Precision: Layout.Precision)
        {
            ModelFlopsPerStep = ModelFlopsPerStep,
            PeakFlops = PeakFlops,
            Checkpoints = Checkpoints,
            Identity = new RunIdentity(Layout.ToString(), Job.Model.ToString(), Job.Training.GlobalBatchSize, Steps),
        };
}

/// <summary>
/// A run across processes: an Open MPI hostfile for several machines (null: this machine), how often data-parallel replicas
/// compare parameter checksums (0 = never), the gradient bucket size, and the faults a test injects (<see cref="RankFaults.None"/>
/// otherwise).
/// </summary>
public sealed record DistributedSettings(string? Hostfile = null, int CheckEvery = 10, long BucketBytes = GradientBuckets.DefaultBucketBytes)
{
    public IRankFaults Faults { get; init; } = RankFaults.None;
}
