namespace ScalePlanner.Executor.Data;

/// <summary>
/// Seeds derived from (seed, index) with the SplitMix64 finaliser (Steele, Lea &amp; Flood 2014): a fixed mix, unlike
/// HashCode.Combine, which is seeded per process, so every row, epoch and mask is the same in every run and on every worker.
/// </summary>
public static class SplitMix
{
    public static int Seed(int seed, long index)
    {
        ulong z = ((ulong)(uint)seed << 40) ^ (ulong)index;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)((z ^ (z >> 31)) >> 33);
    }
}
