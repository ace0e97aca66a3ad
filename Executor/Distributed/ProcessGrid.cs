using ScalePlanner.Mpi;
using ScalePlanner.Simulator.Layouts;

namespace ScalePlanner.Executor.Distributed;

/// <summary>Where one rank sits in the tp × cp × dp × pp grid.</summary>
public readonly record struct GridPosition(int Tensor, int Context, int Data, int Stage);

/// <summary>
/// Where this rank sits in the tp × cp × dp × pp grid and the communicators of its groups. Ranks are ordered tp, cp, dp, pp,
/// innermost first (Megatron-LM's order, as the Simulator assumes): world rank = t + Tp·(c + Cp·(d + Dp·stage)). The cp·dp ranks
/// of one tensor rank and stage hold the same weights: gradients are averaged, ZeRO shards kept and checksums compared over them
/// (Megatron-LM's data-parallel group with context parallelism).
/// </summary>
public sealed class ProcessGrid
{
    /// <param name="experts">The model's routed experts (model.moe.experts; 0 for a dense model), split over layout.ep ranks.</param>
    public ProcessGrid(OpenMpi mpi, Layout layout, int experts = 0)
    {
        if (mpi.Size != layout.Devices)
            throw new MpiException($"the layout needs dp·tp·pp·cp = {layout.Devices} ranks but mpirun started {mpi.Size}");
        Mpi = mpi;
        Layout = layout;
        Position = Coordinates(mpi.Rank, layout);
        var (t, c, d, s) = Position;
        TensorGroup = new TensorGroup(mpi, mpi.Split(mpi.World, color: c + layout.Cp * (d + layout.Dp * s), key: t), layout.Tp, t, layout.Sp);
        ContextGroup = mpi.Split(mpi.World, color: t + layout.Tp * (d + layout.Dp * s), key: c);
        DataGroup = mpi.Split(mpi.World, color: t + layout.Tp * s, key: ReplicaRank);
        int replica = t + layout.Tp * (c + layout.Cp * d);
        PipelineGroup = mpi.Split(mpi.World, color: replica, key: s);
        // Middle stages split off into groups of their own that nothing uses: MPI_Comm_split needs every rank to take part.
        EmbeddingGroup = mpi.Split(mpi.World, color: FirstStage || LastStage ? replica : layout.Devices + mpi.Rank, key: s);
        Experts = layout.Ep > 1 && experts > 0 ? new ExpertGroups(mpi, this, experts) : null;
    }

    /// <summary>The position of a world rank: tp varies fastest, then cp, then dp, then pp.</summary>
    public static GridPosition Coordinates(int worldRank, Layout layout)
    {
        int t = worldRank % layout.Tp, rest = worldRank / layout.Tp;
        int c = rest % layout.Cp;
        rest /= layout.Cp;
        return new GridPosition(t, c, rest % layout.Dp, rest / layout.Dp);
    }

    /// <summary>The world rank at <paramref name="position"/>; the inverse of <see cref="Coordinates"/>.</summary>
    public static int WorldRankAt(GridPosition position, Layout layout) =>
        position.Tensor + layout.Tp * (position.Context + layout.Cp * (position.Data + layout.Dp * position.Stage));

    public OpenMpi Mpi { get; }

    /// <summary>The layout this grid splits the world by.</summary>
    public Layout Layout { get; }
    public GridPosition Position { get; }
    public int TensorParallel => Layout.Tp;
    public int ContextParallel => Layout.Cp;
    public int DataParallel => Layout.Dp;
    public int Stages => Layout.Pp;
    public int TensorRank => Position.Tensor;
    public int ContextRank => Position.Context;
    public int DataRank => Position.Data;
    public int Stage => Position.Stage;
    public bool FirstStage => Stage == 0;
    public bool LastStage => Stage == Stages - 1;

    /// <summary>Ranks holding the same weights as this one (dp·cp): the size of <see cref="DataGroup"/>.</summary>
    public int Replicas => Layout.Dp * Layout.Cp;

    /// <summary>This rank's place among them: c + cp·d.</summary>
    public int ReplicaRank => ContextRank + Layout.Cp * DataRank;

    /// <summary>The world rank of replica <paramref name="replicaRank"/> of this rank's tensor rank and stage.</summary>
    public int WorldRank(int replicaRank) => WorldRankAt(new GridPosition(TensorRank, replicaRank % Layout.Cp, replicaRank / Layout.Cp, Stage), Layout);

    /// <summary>The ranks that split each layer's heads and MLP columns (Megatron-LM's f and g all-reduce here).</summary>
    public TensorGroup TensorGroup { get; }

    /// <summary>The ranks that split each sequence (ring attention passes keys and values around it), ordered by context rank.</summary>
    public nint ContextGroup { get; }

    /// <summary>The replicas of this shard of the weights (dp·cp ranks): gradients are averaged, ZeRO shards kept and checksums compared here.</summary>
    public nint DataGroup { get; }

    /// <summary>The stages of this replica and tensor rank, ranked by stage: activations and gradients travel here.</summary>
    public nint PipelineGroup { get; }

    /// <summary>The expert-parallel groups when layout.ep &gt; 1; null otherwise.</summary>
    public ExpertGroups? Experts { get; }

    /// <summary>First and last stage of this replica, which both hold the tied token embedding (Megatron-LM's embedding group).</summary>
    public nint EmbeddingGroup { get; }
}
