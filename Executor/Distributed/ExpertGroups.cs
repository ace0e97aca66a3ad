using ScalePlanner.Mpi;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// The groups of expert parallelism among the dp·cp replicas of one tensor rank and stage (Megatron-Core's expert-model-parallel
/// and expert-data-parallel groups with etp = 1): the ep consecutive replicas c + cp·d = q·ep … q·ep + ep − 1 split the routed
/// experts between them and exchange tokens (<see cref="ExpertExchange"/>); the replicas with the same ep rank (q·ep + r for every q)
/// hold the same experts, and only over them are the experts' gradients summed (<see cref="ExpertSplitAverager"/>).
/// </summary>
public sealed class ExpertGroups
{
    public ExpertGroups(OpenMpi mpi, ProcessGrid grid, int experts)
    {
        var layout = grid.Layout;
        int ep = layout.Ep, replica = grid.ReplicaRank, place = grid.TensorRank + layout.Tp * grid.Stage, places = layout.Tp * layout.Pp;
        ExpertRank = replica % ep;
        ExpertDataParallel = grid.Replicas / ep;
        var exchange = mpi.Split(mpi.World, color: place + places * (replica / ep), key: ExpertRank);
        ExpertDataGroup = mpi.Split(mpi.World, color: place + places * ExpertRank, key: replica / ep);
        Exchange = new ExpertExchange(mpi, exchange, ep, ExpertRank, experts);
    }

    /// <summary>This rank's place in its expert group: it holds routed experts [r·E/ep, (r + 1)·E/ep).</summary>
    public int ExpertRank { get; }

    /// <summary>Ranks holding the same experts (dp·cp / ep): the size of <see cref="ExpertDataGroup"/>.</summary>
    public int ExpertDataParallel { get; }

    /// <summary>The ranks holding the same experts as this one: the experts' gradients are summed here.</summary>
    public nint ExpertDataGroup { get; }

    /// <summary>Dispatch and combine over the ep ranks of this rank's expert group.</summary>
    public ExpertExchange Exchange { get; }
}
