using static TorchSharp.torch;

namespace ScalePlanner.Executor.Data;

/// <summary>Next-token training pairs from the Markov source: rows of T + 1 tokens split into inputs [0, T) and targets [1, T].</summary>
public static class SyntheticBatches
{
    public static Func<(Tensor Inputs, Tensor Targets)> From(MarkovSource source, int microBatch, int sequence, int seed)
    {
        var random = new Random(seed);
        return () =>
        {
            var rows = Enumerable.Range(0, microBatch).SelectMany(_ => source.Sample(sequence + 1, random)).Select(t => (long)t).ToArray();
            var all = tensor(rows).reshape(microBatch, sequence + 1);
            return (all[.., ..sequence], all[.., 1..]);
        };
    }
}
