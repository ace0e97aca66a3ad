namespace ScalePlanner.Mpi;

/// <summary>
/// A self-check of the binding under mpirun: rank r contributes (r + 1)·(i + 1) at index i of <paramref name="Elements"/>; the
/// all-reduced sum must be n(n+1)/2·(i + 1) exactly (small integers are exact in fp32). What rank 0 received: the ranks, the
/// elements, how many differ, the first four values and the last.
/// </summary>
public sealed record AllReduceCheck(int Ranks, int Elements, int Mismatches, float[] First, float Last)
{
    public static AllReduceCheck Run(int elements)
    {
        using var mpi = new OpenMpi();
        var data = new float[elements];
        for (int i = 0; i < elements; i++) data[i] = (mpi.Rank + 1f) * (i + 1);
        mpi.AllReduceSum(data, mpi.World);
        float factor = mpi.Size * (mpi.Size + 1) / 2f;
        int mismatches = 0;
        for (int i = 0; i < elements; i++)
        {
            if (data[i] != factor * (i + 1)) mismatches++;
        }
        return new AllReduceCheck(mpi.Size, elements, mismatches, [.. data.Take(4)], data[^1]) { IsReporter = mpi.Rank == 0 };
    }

    /// <summary>Whether this process is rank 0, the one that prints the result.</summary>
    public bool IsReporter { get; init; }
}
