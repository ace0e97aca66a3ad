using ScalePlanner.Mpi;
using ScalePlanner.Simulator.Layouts;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// Where this rank sits in the tp × dp × pp grid and the communicators of its groups. Ranks are ordered tp, cp, dp, pp,
/// innermost first (Megatron-LM's order, as the Simulator assumes); with cp = 1 here, world rank = t + Tp·(d + Dp·stage).
/// </summary>
public sealed class ProcessGrid
{
    public ProcessGrid(OpenMpi mpi, Layout layout)
    {
        if (mpi.Size != layout.Devices)
            throw new MpiException($"the layout needs dp·tp·pp·cp = {layout.Devices} ranks but mpirun started {mpi.Size}");
        Mpi = mpi;
        Layout = layout;
        (TensorRank, DataRank, Stage) = Coordinates(mpi.Rank, layout);
        TensorGroup = new TensorGroup(mpi, mpi.Split(mpi.World, color: DataRank + layout.Dp * Stage, key: TensorRank), layout.Tp, TensorRank, layout.Sp);
        DataGroup = mpi.Split(mpi.World, color: TensorRank + layout.Tp * Stage, key: DataRank);
        int replica = TensorRank + layout.Tp * DataRank;
        PipelineGroup = mpi.Split(mpi.World, color: replica, key: Stage);
        // Middle stages split off into groups of their own that nothing uses: MPI_Comm_split needs every rank to take part.
        EmbeddingGroup = mpi.Split(mpi.World, color: FirstStage || LastStage ? replica : layout.Devices + mpi.Rank, key: Stage);
    }

    /// <summary>(tensor rank, data rank, stage) of a world rank: tp varies fastest, then dp, then pp.</summary>
    public static (int TensorRank, int DataRank, int Stage) Coordinates(int worldRank, Layout layout) =>
        (worldRank % layout.Tp, worldRank / layout.Tp % layout.Dp, worldRank / (layout.Tp * layout.Dp));

    /// <summary>The world rank at (tensor rank, data rank, stage); the inverse of <see cref="Coordinates"/>.</summary>
    public static int WorldRankAt(int tensorRank, int dataRank, int stage, Layout layout) => tensorRank + layout.Tp * (dataRank + layout.Dp * stage);

    public OpenMpi Mpi { get; }

    /// <summary>The layout this grid splits the world by.</summary>
    public Layout Layout { get; }
    public int TensorParallel => Layout.Tp;
    public int DataParallel => Layout.Dp;
    public int Stages => Layout.Pp;
    public int TensorRank { get; }
    public int DataRank { get; }
    public int Stage { get; }
    public bool FirstStage => Stage == 0;
    public bool LastStage => Stage == Stages - 1;

    /// <summary>The world rank of data rank <paramref name="dataRank"/> in this rank's tensor rank and stage.</summary>
    public int WorldRank(int dataRank) => WorldRankAt(TensorRank, dataRank, Stage, Layout);

    /// <summary>The ranks that split each layer's heads and MLP columns (Megatron-LM's f and g all-reduce here).</summary>
    public TensorGroup TensorGroup { get; }

    /// <summary>The replicas of this shard: gradients are averaged and checksums compared here.</summary>
    public nint DataGroup { get; }

    /// <summary>The stages of this replica and tensor rank, ranked by stage: activations and gradients travel here.</summary>
    public nint PipelineGroup { get; }

    /// <summary>First and last stage of this replica, which both hold the tied token embedding (Megatron-LM's embedding group).</summary>
    public nint EmbeddingGroup { get; }
}
