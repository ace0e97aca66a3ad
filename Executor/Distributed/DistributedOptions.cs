using ScalePlanner.Simulator.Layouts;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// What the distributed loop needs beyond <see cref="Training.TrainerOptions"/>: the pipeline schedule, whether the optimizer
/// state is sharded over the replicas (ZeRO-1, <see cref="ShardedOptimizer"/>), the gradient compression, whether gradient
/// reduction starts during backward (<see cref="OverlappedBuckets"/>), how often replicas
/// compare parameter checksums (0 = never), the gradient bucket size, and a deliberate corruption of one rank's weights at one
/// step, which only tests use to prove the check fires.
/// </summary>
public sealed record DistributedOptions(PipelineSchedule Schedule, bool ShardOptimizer, GradientCompression Compression, bool Overlap, int CheckEvery, long BucketBytes = GradientBuckets.DefaultBucketBytes,
    int CorruptRank = -1, int CorruptStep = -1);
