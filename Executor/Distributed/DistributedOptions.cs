using ScalePlanner.Simulator.Layouts;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// What the distributed loop needs beyond <see cref="Training.TrainerOptions"/>: the pipeline schedule, whether the optimizer
/// state is sharded over the replicas (ZeRO-1, <see cref="ShardedOptimizer"/>), the gradient compression, whether gradient
/// reduction starts during backward (<see cref="OverlappedBuckets"/>), how often replicas
/// compare parameter checksums (0 = never), the gradient bucket size, whether to resume from the checkpoints every rank agrees
/// on (<see cref="RankCheckpoints"/>), and two faults only tests use: a corruption of one rank's weights at one step, to prove
/// the replica check fires, and the death of one rank at one step, to prove the job stops and resumes.
/// </summary>
public sealed record DistributedOptions(PipelineSchedule Schedule, bool ShardOptimizer, GradientCompression Compression, bool Overlap, int CheckEvery, long BucketBytes = GradientBuckets.DefaultBucketBytes,
    bool Resume = false, int CorruptRank = -1, int CorruptStep = -1, int KillRank = -1, int KillStep = -1);
