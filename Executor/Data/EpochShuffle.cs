namespace ScalePlanner.Executor.Data;

/// <summary>
/// Which window each sample of an epoch reads: a Fisher–Yates permutation (Knuth, TAOCP vol. 2, Algorithm 3.4.2P) of the
/// windows, drawn afresh for every epoch from a generator seeded by (seed, epoch). Every window is read once per epoch, and
/// sample i always maps to the same window whichever worker asks. The last two epochs' permutations are kept, which is all
/// that workers straddling an epoch boundary need.
/// </summary>
public sealed class EpochShuffle
{
    private const int KeptEpochs = 2;
    private readonly int windows;
    private readonly int seed;
    private readonly Dictionary<long, int[]> permutations = [];

    public EpochShuffle(long windows, int seed)
    {
        if (windows is < 1 or > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(windows), $"need 1 to {int.MaxValue} windows, got {windows}");
        this.windows = (int)windows;
        this.seed = seed;
    }

    /// <summary>The window sample <paramref name="sample"/> reads, and the epoch it belongs to.</summary>
    public (int Window, long Epoch) Locate(long sample)
    {
        long epoch = sample / windows;
        int[] order;
        lock (permutations)
        {
            if (!permutations.TryGetValue(epoch, out order!))
            {
                order = Permutation(epoch);
                permutations[epoch] = order;
                if (permutations.Count > KeptEpochs) permutations.Remove(permutations.Keys.Min());
            }
        }
        return (order[sample % windows], epoch);
    }

    private int[] Permutation(long epoch)
    {
        var order = new int[windows];
        for (int i = 0; i < windows; i++) order[i] = i;
        var random = new Random(SplitMix.Seed(seed, epoch));
        for (int i = windows - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}
