using ScalePlanner.Mpi;
using TorchSharp.Modules;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// Silent-data-corruption check: data-parallel replicas hold bit-identical weights after every update, so their parameter
/// checksums must agree. Each replica's checksum is gathered over the data-parallel group; a replica that differs from the
/// majority (from data rank 0 when there is no majority, as with two replicas) is named with the step, and the run stops
/// before anything of that step is kept.
/// </summary>
public static class ReplicaCheck
{
    public static void Run(ProcessGrid grid, IEnumerable<Parameter> parameters, int step)
    {
        long[] sums = grid.Mpi.AllGather(ParameterChecksum.Of(parameters), grid.DataParallel, grid.DataGroup);
        var counts = sums.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        if (counts.Count == 1) return;
        long reference = counts.Values.Max() * 2 > sums.Length ? counts.MaxBy(c => c.Value).Key : sums[0];
        var odd = Enumerable.Range(0, sums.Length).Where(r => sums[r] != reference).Select(grid.WorldRank);
        throw new RankFailure($"silent data corruption at step {step + 1}: the parameters of rank {string.Join(", rank ", odd)} differ from " +
            $"rank {grid.WorldRank(Array.IndexOf(sums, reference))}'s (pipeline stage {grid.Stage}, tensor rank {grid.TensorRank}; checksums {string.Join(", ", sums.Select(s => s.ToString("x16")))}); stopped before the step is kept", reports: grid.DataRank == 0);
    }
}
