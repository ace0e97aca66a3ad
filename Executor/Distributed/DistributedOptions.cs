using ScalePlanner.Simulator.Layouts;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// What the distributed loop needs beyond <see cref="Training.TrainerOptions"/>: the pipeline schedule, the ZeRO stage
/// (<see cref="ShardedUpdate"/> from 1 on), the gradient compression, whether gradient reduction starts during backward, how
/// often replicas compare parameter checksums (0 = never), the gradient bucket size, whether to resume from the checkpoints every
/// rank agrees on (<see cref="RankCheckpoints"/>), and the faults a test injects (<see cref="IRankFaults"/>; none in a real run).
/// </summary>
public sealed record DistributedOptions(PipelineSchedule Schedule, int Zero, GradientCompression Compression, bool Overlap, int CheckEvery, long BucketBytes = GradientBuckets.DefaultBucketBytes,
    bool Resume = false)
{
    public IRankFaults Faults { get; init; } = RankFaults.None;

    /// <summary>The loop's options for <paramref name="layout"/>: its schedule, ZeRO stage, compression and overlap.</summary>
    public static DistributedOptions For(in Layout layout, int checkEvery, long bucketBytes, bool resume, IRankFaults faults) =>
        new(layout.Schedule, layout.Zero, layout.Compression, layout.Overlap, checkEvery, bucketBytes, resume) { Faults = faults };
}
