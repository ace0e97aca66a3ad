using ScalePlanner.Simulator.Layouts;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// What the distributed loop needs beyond <see cref="Training.TrainerOptions"/>: the pipeline schedule, whether the optimizer
/// state is sharded over the replicas (ZeRO-1, <see cref="ShardedOptimizer"/>), the gradient compression, whether gradient
/// reduction starts during backward (<see cref="OverlappedBuckets"/>), how often replicas
/// compare parameter checksums (0 = never), the gradient bucket size, whether to resume from the checkpoints every rank agrees
/// on (<see cref="RankCheckpoints"/>), and the faults a test injects (<see cref="IRankFaults"/>; none in a real run).
/// </summary>
public sealed record DistributedOptions(PipelineSchedule Schedule, bool ShardOptimizer, GradientCompression Compression, bool Overlap, int CheckEvery, long BucketBytes = GradientBuckets.DefaultBucketBytes,
    bool Resume = false)
{
    public IRankFaults Faults { get; init; } = RankFaults.None;

    /// <summary>The loop's options for <paramref name="layout"/>: its schedule, ZeRO-1 sharding, compression and overlap.</summary>
    public static DistributedOptions For(in Layout layout, int checkEvery, long bucketBytes, bool resume, IRankFaults faults) =>
        new(layout.Schedule, layout.Zero == 1, layout.Compression, layout.Overlap, checkEvery, bucketBytes, resume) { Faults = faults };
}
