using ScalePlanner.Executor.Training;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// Builds a rank's update for the layout and turns its model to the half format of a mixed-precision run: ZeRO 1–3 partition the
/// fp32 weights first (<see cref="ShardedUpdate"/>); plain data parallelism keeps whole fp32 master weights
/// (<see cref="MasterWeights"/>) and averages gradients in buckets, started during backward, or compressed
/// (<see cref="ReplicatedOptimizer"/>).
/// </summary>
public static class RankUpdate
{
    public static (IReplicaUpdate Update, RankParameters Rank) Create(RankModel model, ProcessGrid grid, TrainerOptions options, DistributedOptions distributed)
    {
        ScalarType? half = options.Precision switch
        {
            Precision.Bf16 => ScalarType.BFloat16,
            Precision.Fp16 => ScalarType.Float16,
            _ => null,
        };
        if (distributed.Zero >= 1) return ShardedUpdate.Create(model, grid, options, distributed, half);
        var masters = half is { } format ? new MasterWeights([.. model.Chunks], format) : null;
        var rank = new RankParameters(model, grid, masters);
        return (new ReplicatedOptimizer(rank, grid, options, Averager(model, rank, grid, distributed)), rank);
    }

    private static IGradientAverager Averager(RankModel model, RankParameters rank, ProcessGrid grid, DistributedOptions distributed) => distributed.Compression.Kind switch
    {
        _ when grid.Experts is { } experts => new ExpertSplitAverager(rank, experts, distributed.BucketBytes),   // after backward; no compression (ExecutionSupport)
        CompressionKind.PowerSgd => new PowerSgd(rank.Main, distributed.Compression.Rank, distributed.BucketBytes),
        CompressionKind.Bf16 => new GradientBuckets(rank.Main, distributed.BucketBytes, bf16Wire: true),
        _ when distributed.Overlap && grid.Replicas > 1 => new OverlappedBuckets(model, rank, grid.Mpi, grid.DataGroup, distributed.BucketBytes),
        _ => new GradientBuckets(rank.Main, distributed.BucketBytes),
    };
}
