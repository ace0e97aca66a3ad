using static TorchSharp.torch;

namespace ScalePlanner.Executor.Data;

/// <summary>
/// Next-token training pairs from the Markov source: rows of T + 1 tokens split into inputs [0, T) and targets [1, T]. Row r is
/// drawn from its own generator seeded by (seed, r) (<see cref="MarkovRows"/>), so the stream is the same however it is cut into
/// micro-batches and a source started at any position continues it exactly.
/// </summary>
public sealed class SyntheticBatches(MarkovSource source, int sequence, int seed, long position = 0) : IBatchSource
{
    private readonly RowBatches rows = new(new BatchAssembler(new MarkovRows(source, sequence, seed), TokenMasking.None), position);

    public long Position => rows.Position;

    public (Tensor Inputs, Tensor Targets) Next(int count) => rows.Next(count);
}
