using ScalePlanner.Mpi;
using ScalePlanner.Executor.Checkpoints;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// Checkpoints of a multi-process job: each rank writes its own <see cref="RankState"/> into FOLDER/rank-NNNN through a
/// <see cref="CheckpointStore"/> (atomic rename, SHA-256 digest, newest files kept). A step is restorable only when every rank
/// holds a verified file for it: a rank that died mid-save, or a corrupted file, leaves that step incomplete, so resuming takes
/// the newest step that all ranks agree on, found with all-reduces over the world.
/// </summary>
public sealed class RankCheckpoints(string folder, OpenMpi mpi)
{
    private readonly CheckpointStore store = new(RankFolder(folder, mpi.Rank));

    private static string RankFolder(string folder, int rank) => Path.Combine(folder, $"rank-{rank:D4}");

    /// <summary>Whether rank 0 has written any checkpoint into <paramref name="folder"/> (a step may still be incomplete on others).</summary>
    public static bool AnyIn(string folder) => new CheckpointStore(RankFolder(folder, 0)).Files().Count > 0;

    /// <summary>Checks this rank's folder before step 1 and removes temporary files a killed writer left (<see cref="CheckpointStore.Prepare"/>).</summary>
    public void Prepare() => store.Prepare();

    public void Save(int step, long dataPosition, byte[] state) => store.Save(new TrainingCheckpoint(step, dataPosition, state));

    /// <summary>
    /// This rank's checkpoint at the newest step every rank has a verified file for, or null when there is none.
    /// <paramref name="rejected"/> names this rank's files passed over as corrupted.
    /// </summary>
    public TrainingCheckpoint? LoadAgreed(out IReadOnlyList<string> rejected)
    {
        var passedOver = new SortedSet<string>(StringComparer.Ordinal);
        int ceiling = int.MaxValue;
        while (true)
        {
            var mine = store.LoadNewest(ceiling, out var problems);
            passedOver.UnionWith(problems);
            rejected = [.. passedOver];
            double newest = mine?.Step ?? -1;
            double lowest = -mpi.AllReduceMax(-newest, mpi.World);
            if (lowest < 0) return null;
            if (mpi.AllReduceMax(newest, mpi.World) == lowest) return mine;   // every rank stands at the same step
            ceiling = (int)lowest;                                             // look again at or below the lowest newest step
        }
    }
}
