using ScalePlanner.Mpi;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// Gradient averaging under expert parallelism (Megatron-Core's DistributedDataParallel with expert parameters): the parameters
/// every replica holds are averaged over the data-parallel group as usual; a routed expert's gradient, already summed over the
/// tokens of all ep ranks that sent it rows, is summed only over the expert data-parallel group (the ranks holding the same
/// expert) and divided by all dp·cp replicas, as Megatron-Core scales expert gradients by 1 / data-parallel size. In fp32 buckets
/// after backward (<see cref="GradientBuckets"/>).
/// </summary>
public sealed class ExpertSplitAverager(RankParameters rank, ExpertGroups experts, long bucketBytes) : IGradientAverager
{
    private readonly GradientBuckets replicated = new(rank.All.Where(i => !rank.Expert[i]).Select(i => rank.Main[i]), bucketBytes);
    private readonly GradientBuckets routed = new(rank.All.Where(i => rank.Expert[i]).Select(i => rank.Main[i]), bucketBytes);

    public void AllReduceMean(OpenMpi mpi, nint group, int ranks)
    {
        replicated.AllReduceMean(mpi, group, ranks);
        routed.AllReduceMean(mpi, experts.ExpertDataGroup, ranks);
    }
}
