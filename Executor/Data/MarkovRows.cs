namespace ScalePlanner.Executor.Data;

/// <summary>Rows of T + 1 tokens from the Markov source; row r is drawn from its own generator seeded by (seed, r).</summary>
public sealed class MarkovRows(MarkovSource source, int sequence, int seed) : ISampleRows
{
    public int RowLength => sequence + 1;

    public void Fill(long sample, Span<long> row)
    {
        var tokens = source.Sample(RowLength, new Random(SplitMix.Seed(seed, sample)));
        for (int t = 0; t < tokens.Length; t++) row[t] = tokens[t];
    }
}
