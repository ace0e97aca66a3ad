using static TorchSharp.torch;

namespace ScalePlanner.Executor.Data;

/// <summary>
/// Next-token training pairs from the Markov source: rows of T + 1 tokens split into inputs [0, T) and targets [1, T]. Row r is
/// drawn from its own generator seeded by (seed, r), so the stream is the same however it is cut into micro-batches and a
/// source started at any position continues it exactly.
/// </summary>
public sealed class SyntheticBatches(MarkovSource source, int sequence, int seed, long position = 0) : IBatchSource
{
    public long Position { get; private set; } = position;

    public (Tensor Inputs, Tensor Targets) Next(int count)
    {
        var rows = new long[count * (sequence + 1)];
        for (int i = 0; i < count; i++)
        {
            var tokens = source.Sample(sequence + 1, new Random(RowSeed(seed, Position + i)));
            for (int t = 0; t <= sequence; t++) rows[i * (sequence + 1) + t] = tokens[t];
        }
        Position += count;
        var all = tensor(rows).reshape(count, sequence + 1);
        return (all[.., ..sequence], all[.., 1..]);
    }

    // SplitMix64 finaliser (Steele, Lea & Flood 2014): a fixed mix, unlike HashCode.Combine, which is seeded per process.
    private static int RowSeed(int seed, long row)
    {
        ulong z = ((ulong)(uint)seed << 40) ^ (ulong)row;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)((z ^ (z >> 31)) >> 33);
    }
}
