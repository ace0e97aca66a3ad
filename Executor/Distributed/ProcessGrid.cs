using ScalePlanner.Calibration.Mpi;
using ScalePlanner.Simulator.Layouts;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// Where this rank sits in the dp × pp grid and the communicators of its groups. Ranks are ordered tp, cp, dp, pp, innermost
/// first (Megatron-LM's order, as the Simulator assumes); with tp = cp = 1 here, world rank = dp + Dp·stage.
/// </summary>
public sealed class ProcessGrid
{
    public ProcessGrid(Mpi mpi, Layout layout)
    {
        if (mpi.Size != layout.Devices)
            throw new MpiException($"the layout needs dp·tp·pp·cp = {layout.Devices} ranks but mpirun started {mpi.Size}");
        Mpi = mpi;
        DataParallel = layout.Dp;
        Stages = layout.Pp;
        DataRank = mpi.Rank % layout.Dp;
        Stage = mpi.Rank / layout.Dp;
        DataGroup = mpi.Split(mpi.World, color: Stage, key: DataRank);
        PipelineGroup = mpi.Split(mpi.World, color: DataRank, key: Stage);
        // Middle stages split off into groups of their own that nothing uses: MPI_Comm_split needs every rank to take part.
        EmbeddingGroup = mpi.Split(mpi.World, color: FirstStage || LastStage ? DataRank : layout.Dp + mpi.Rank, key: Stage);
    }

    public Mpi Mpi { get; }

    /// <summary>The world rank of data rank <paramref name="dataRank"/> in stage <paramref name="stage"/>.</summary>
    public int WorldRank(int dataRank, int stage) => dataRank + DataParallel * stage;
    public int DataParallel { get; }
    public int Stages { get; }
    public int DataRank { get; }
    public int Stage { get; }
    public bool FirstStage => Stage == 0;
    public bool LastStage => Stage == Stages - 1;

    /// <summary>The replicas of this stage: gradients are averaged and checksums compared here.</summary>
    public nint DataGroup { get; }

    /// <summary>The stages of this replica, ranked by stage: activations and gradients travel here.</summary>
    public nint PipelineGroup { get; }

    /// <summary>First and last stage of this replica, which both hold the tied token embedding (Megatron-LM's embedding group).</summary>
    public nint EmbeddingGroup { get; }
}
